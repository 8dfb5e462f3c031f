"""Crisis mode under load (bench/README.md): an emergency broadcast to 100,000 people queued within the
minute; the dispatcher holding the gateway's rate, with no message sent twice through a worker killed
mid-broadcast (kill -9, restarted); the emergency's public page cached, against the framework's floor.

Needs its own PostgreSQL database and Redis database, e.g.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE vt_bench_broadcast"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_bench_broadcast \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 BENCH_CACHE_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/broadcast.py [--people 100000] [--rate 10] [--sent 600] [--duration 10]

Prints a Markdown table of the figures (with the load average) to paste into bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess  # nosec B404  (starts our own worker and server)
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
ACCOUNT, TOKEN = "ACbench", "bench-token"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- a stand-in SMS gateway that counts what it is handed, per recipient and per second --------------------


class Gateway:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: Counter[str] = Counter()  # recipient -> requests received
        self.keys: set[str] = set()
        self.delivered: Counter[str] = Counter()  # recipient -> messages handed on (after idempotency keys)
        self.times: list[float] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                to = form.get("To", "")
                key = self.headers.get("Idempotency-Key") or uuid.uuid4().hex
                with gateway.lock:
                    gateway.posts[to] += 1
                    if key not in gateway.keys:
                        gateway.keys.add(key)
                        gateway.delivered[to] += 1
                        gateway.times.append(time.time())
                body = json.dumps({"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": to}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


# -- the world: Haiti, a window, an officer, and people who asked for emergency messages ------------------


def setup_django(gateway_url: str, rate: float) -> None:
    """Settings from the environment, as the worker started later reads them too: SMS through the stand-in
    gateway at ``rate`` a second, no quiet hours."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.update({
        "NOTIFICATIONS_SMS_BACKEND": "notifications.providers.MessagesApiProvider", "SMS_GATEWAY_URL": gateway_url,
        "SMS_GATEWAY_ACCOUNT": ACCOUNT, "SMS_GATEWAY_TOKEN": TOKEN, "SMS_FROM": "+15005550006",
        "QUIET_HOURS_START": "0", "QUIET_HOURS_END": "0", "EMERGENCY_SMS_PER_SECOND": str(rate),
        # A killed worker's claimed rows are claimed again once their lease ends (300 s in production).
        "NOTIFICATIONS_LEASE_SECONDS": os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "300"),
    })  # fmt: skip
    import django

    django.setup()


def world(people: int, window_slug: str, region: str):
    """Haiti with one window and ``people`` people holding the consents to processing, SMS and emergency
    messages: set-based inserts (a bench, not the intake), each name and phone encrypted as the intake's."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Consent, ConsentKind, LegalBasis, Person
    from cases.rules import identifier_hash
    from ventanillas.models import Country, InformationWindow

    country, _ = Country.objects.get_or_create(code="HT", defaults={
        "name": "Haïti", "name_es": "Haití", "default_language": "ht", "public_languages": ["ht", "fr"],
        "time_zone": "America/Port-au-Prince", "currency": "HTG"})  # fmt: skip
    window, _ = InformationWindow.objects.get_or_create(
        country=country, slug=window_slug,
        defaults={"name": f"Bench {window_slug}", "city": "Port-au-Prince", "address": "Rue 1", "region": region},
    )  # fmt: skip
    officer, _ = get_user_model().objects.get_or_create(username="bench-officer")
    have = Person.objects.filter(window=window).count()
    now = timezone.now()
    for start in range(have, people, 2000):
        with transaction.atomic():
            rows = []
            for n in range(start, min(start + 2000, people)):
                phone = f"+5093{n:07d}"
                rows.append(Person(
                    window=window, given_names="Bench", family_names=f"P{n}", phone=phone,
                    phone_hash=identifier_hash("phone", phone, "HT"), preferred_language="ht" if n % 3 else "fr",
                    legal_basis=LegalBasis.CONSENT, created_by=officer))  # fmt: skip
            made = Person.objects.bulk_create(rows)
            Consent.objects.bulk_create(
                Consent(person=person, kind=kind, given_at=now, notice_language="ht", recorded_by=officer)
                for person in made
                for kind in (ConsentKind.PROCESSING, ConsentKind.CONTACT_PHONE, ConsentKind.EMERGENCY)
            )
        log(f"  people: {min(start + 2000, people):,}/{people:,}")
    return country, window, officer


def declare(country, officer, regions=None):
    from emergencies import services

    (emergency,) = services.declare(
        countries=[country], by=officer, kind="hurricane", severity="Severe", language="ht",
        title="Siklòn: rete lakay ou", instructions="Pa travèse rivyè yo. Ale nan abri ki pi pre a.",
        regions=regions or [], hotlines="+509 2943 0000 Sivil pwoteksyon",
    )  # fmt: skip
    services.write_text(emergency=emergency, by=officer, language="fr", title="Ouragan : restez chez vous",
                        instructions="Ne traversez pas les rivières. Rejoignez l'abri le plus proche.")  # fmt: skip
    return emergency


def loadavg() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


# -- 1. queueing ----------------------------------------------------------------------------------------------


def bench_queue(people: int) -> dict:
    from emergencies import services
    from emergencies.models import Broadcast
    from notifications.models import Message

    country, _window, officer = world(people, "bench-queue", "Ouest")
    emergency = declare(country, officer, regions=["Ouest"])
    broadcast = Broadcast.objects.create(emergency=emergency, version=emergency.version, started_by=officer)
    load = loadavg()
    started, cpu = time.monotonic(), time.process_time()
    queued = services.queue_broadcast(broadcast.pk)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    rows = Message.objects.for_object(broadcast).count()
    # Run twice (a worker lost mid-way): nobody is queued twice.
    Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.QUEUEING)
    services.queue_broadcast(broadcast.pk)
    again = Message.objects.for_object(broadcast).count()
    # Leave nothing for the dispatcher of the next step to send (cancelled, not ended: ending would withdraw a
    # hundred thousand consents, a task the next step's worker would run first).
    services.cancel_broadcast(broadcast=broadcast, by=officer)
    return {"people": people, "queued": queued, "rows": rows, "rows_after_second_run": again, "wall": wall,
            "cpu": cpu, "load": load}  # fmt: skip


# -- 2. the dispatcher's rate through a killed worker -------------------------------------------------------


def worker(env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  # nosec B603  (our own interpreter and arguments)
        [PY, "-m", "celery", "-A", "portal", "worker", "-c", "1", "-n", f"{name}@bench", "-Q", "celery",
         "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def bench_dispatch(sent: int, rate: float, gateway: Gateway, kill_after: float) -> dict:
    from django.db.models import Count

    from emergencies import services
    from emergencies.models import Broadcast
    from notifications.models import Message
    from notifications.tasks import dispatch_due

    country, window, officer = world(sent, "bench-dispatch", "Sud")
    emergency = declare(country, officer, regions=[window.region])
    broadcast = Broadcast.objects.create(emergency=emergency, version=emergency.version, started_by=officer)
    services.queue_broadcast(broadcast.pk)
    env = dict(os.environ)
    first = worker(env, "one")
    started = time.time()
    killed_at = None
    second = None
    log(f"  dispatching {sent} SMS at {rate}/s; worker pid {first.pid} is killed after {kill_after:.0f} sent")
    next_run = 0.0
    while True:
        now = time.time()
        if now >= next_run:
            dispatch_due.delay()  # what the beat does every minute
            next_run = now + 30
        if killed_at is None and len(gateway.times) >= kill_after:
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            killed_at = time.time()
            log(f"  killed worker {first.pid} (kill -9) with {len(gateway.times)} sent; restarting")
            second = worker(env, "two")
            next_run = 0.0
        waiting = Message.objects.for_object(broadcast).filter(status__in=["scheduled", "sending"]).count()
        if waiting == 0 or now - started > sent / rate * 3 + 240:
            break
        time.sleep(1)
    for process in (second,):
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    statuses = dict(
        Message.objects.for_object(broadcast).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    times = sorted(gateway.times)
    before = [t for t in times if t <= (killed_at or times[-1])]
    per_second = Counter(int(t) for t in times)
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    steady = [n for second_, n in per_second.items() if times[0] + 1 < second_ < times[-1] - 1]
    return {
        "sent": sent, "rate": rate, "statuses": statuses, "delivered": sum(gateway.delivered.values()),
        "recipients": len(gateway.delivered), "twice_delivered": sum(1 for n in gateway.delivered.values() if n > 1),
        "twice_posted": sum(1 for n in gateway.posts.values() if n > 1),
        "mean_rate": (len(times) - 1) / span if span else 0.0,
        # Before the kill: the worker sending undisturbed (its start-up not counted).
        "rate_before_kill": (len(before) - 1) / (before[-1] - before[0]) if len(before) > 1 else 0.0,
        "last_send_after_start": (times[-1] - started) if times else 0.0,
        "max_second": max(steady, default=0), "killed_after": (killed_at or 0) - started, "load": loadavg(),
    }  # fmt: skip


# -- 3. the emergency page cached, against the floor --------------------------------------------------------


def bench_page(duration: int, cache_url: str) -> dict:
    from bench.run import production_env, run_wrk, start_server
    from emergencies.models import Emergency

    emergency = Emergency.objects.filter(ended_at__isnull=True).order_by("-pk").first()
    env = production_env(cache_url)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603  # nosec B603
    port = 8790
    server = start_server(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        page = f"/ht/ht/emergencies/{emergency.pk}/"
        import urllib.request

        urllib.request.urlopen(base + page, timeout=10).read()  # noqa: S310  # nosec B310  (our own server)
        from bench.run import Scenario

        rows = {}
        for label, path in (("floor: small template", "/floor/template/"), ("emergency page (cached)", page)):
            best = None
            for _round in range(3):
                result = run_wrk(base, Scenario("bench", label, path), "", duration, 8)
                if best is None or result["rps"] > best["rps"]:
                    best = result
            rows[label] = best
        return {"rows": rows, "load": loadavg()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def own_environment() -> None:
    """``--own-database`` (how ``make bench`` runs it): a PostgreSQL database and Redis databases of its own,
    derived from what ``make bench`` is given, so that its hundred thousand people and its worker's queue touch
    neither the data of ``bench/run.py`` nor its page cache. ``BENCH_BROADCAST_DATABASE_URL``,
    ``BENCH_BROADCAST_BROKER_URL`` and ``BENCH_BROADCAST_CACHE_URL`` name them outright; else the database is
    DATABASE_URL's with ``_broadcast`` after its name (created when missing), and the broker and the page
    cache the two Redis databases after BENCH_CACHE_URL's."""
    from urllib.parse import urlsplit, urlunsplit

    database = os.environ.get("BENCH_BROADCAST_DATABASE_URL", "")
    if not database:
        given = urlsplit(os.environ.get("DATABASE_URL", ""))
        if not given.scheme.startswith("postgres"):
            sys.exit("Set DATABASE_URL to an own PostgreSQL database (postgres://...).")
        database = urlunsplit(given._replace(path=given.path.rstrip("/") + "_broadcast"))
    parts = urlsplit(database)
    name = parts.path.lstrip("/")
    import psycopg
    from psycopg import sql

    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name}")
    cache = urlsplit(os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1"))
    number = int(cache.path.strip("/") or 0)

    def redis(offset: int) -> str:
        return urlunsplit(cache._replace(path=f"/{(number + offset) % 16}"))

    os.environ["DATABASE_URL"] = database
    os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROADCAST_BROKER_URL") or redis(1)
    os.environ["BENCH_CACHE_URL"] = os.environ.get("BENCH_BROADCAST_CACHE_URL") or redis(2)
    log(f"database {name}, broker {os.environ['CELERY_BROKER_URL']}, page cache {os.environ['BENCH_CACHE_URL']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--own-database", action="store_true",
        help="a database and Redis databases of its own, derived from DATABASE_URL and BENCH_CACHE_URL",
    )  # fmt: skip
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=10.0, help="SMS per second of the gateway")
    parser.add_argument("--sent", type=int, default=600, help="recipients of the dispatched broadcast")
    parser.add_argument("--kill-after", type=int, default=200, help="kill -9 the worker after this many sent")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: queue, dispatch, page")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if args.own_database:
        own_environment()
    gateway = Gateway()
    setup_django(gateway.url, args.rate)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out = {}
    if "queue" not in skip:
        log(f"queue: {args.people:,} people")
        out["queue"] = bench_queue(args.people)
        log(f"  {out['queue']}")
    if "dispatch" not in skip:
        out["dispatch"] = bench_dispatch(args.sent, args.rate, gateway, args.kill_after)
        log(f"  {out['dispatch']}")
    if "page" not in skip:
        out["page"] = bench_page(args.duration, os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8"))
        log(f"  {out['page']}")
    print(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
