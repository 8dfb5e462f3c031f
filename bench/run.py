# ruff: noqa: S603, S607, S310 - runs this checkout's own tools (gunicorn, wrk, manage.py) against 127.0.0.1
"""`make bench`: every page of the portal under load, against the framework's floor and a Wagtail guide site.

Not a test; never run in CI. Needs its own PostgreSQL database and a Redis database for the page cache:

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE vt_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_bench BENCH_CACHE_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/run.py [--scale 1] [--duration 10] [--connections 4] [--peers DIR]
    # growth, each scale in its own database (seeded once, kept):
    ... bench/run.py --growth 1,3 --databases postgres://.../vt_bench,postgres://.../vt_bench3

1. ``manage.py seed_scale --scale S`` (resumable) fills the database (1,000,000 consultations ... at 1).
2. gunicorn (2 sync workers) starts with the production settings (DEBUG off, Redis cache, connections kept)
   plus ``BENCH_FLOOR=1``, which routes the floor: a small template, and the same reading one row.
   With ``--peers DIR`` (a writable copy of the peers' folder: the bare Django floor and a Wagtail +
   wagtail-localize guide site), its ``setup.sh`` runs first and its floor, its Wagtail site and the same
   site with Django's per-site cache start beside the portal, with the same gunicorn settings.
3. Each scenario is first requested in this process, with the same settings, to count its database queries
   and the bytes of its gzipped answer (the peers' pages through their own ``lib/count_queries.py``); then
   wrk drives it for ``--duration`` seconds with ``--connections`` connections (one per thread). The floors,
   the guides cached and uncached, every cached public page and the peers' pages are driven in turn,
   ``--rounds`` times, so that what is compared ran under the same load; each keeps its best round.
4. ``bench/results/<date>.md`` gets the table (req/s, p50/p95/p99, errors, queries per request, gzip bytes,
   ratio to the template floor) and the goals met or not; the README shows the latest table. With
   ``--growth``, each scale runs in a process of its own (on ``--databases``' own database, or all on
   ``DATABASE_URL``'s, filled further), and the report compares them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEV_SECRET = "insecure-development-key-only-for-a-laptop"  # noqa: S105 - the keys the seeded demo rows were written with
DEV_FIELD_KEY = "insecure-development-field-key"


def production_env(cache_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=DEV_SECRET,
        SEARCH_HASH_KEYS="insecure-development-search-key",
        FIELD_ENCRYPTION_KEYS=DEV_FIELD_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        CACHE_URL=cache_url,
        # Production refuses to start without a real mail server; no scenario sends mail, so a local port
        # that nothing listens on will do (an error would show in the scenario's errors, not go unseen).
        EMAIL_URL=os.environ.get("EMAIL_URL", "smtp://127.0.0.1:2525"),
        PORTAL_URL="http://127.0.0.1",  # required in production for links in messages; none is sent here
        BENCH_FLOOR="1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("CONN_MAX_AGE", None)  # the production default
    return env


@dataclass
class Scenario:
    group: str
    name: str
    path: str
    user: str | None = None
    method: str = "GET"
    body: dict | None = None
    cached: bool | None = None  # public pages: served from the cache (True) or rendered (False)
    cycle: bool = False  # the consultation intake: form, POST, redirect to a fresh form
    first_view_ms: float | None = None  # dashboards: in-process, the first view after a roll-up change
    goal: str = ""
    server: str = "portal"  # or one of the peers' servers (PEER_SITES)
    probe: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def peer_scenarios(kind: str) -> list[Scenario]:
    """The peers' pages (their README): the bare Django floor, and Wagtail's guide and country page in
    Spanish and Dutch (the languages its run.sh loads), from the cached site or the uncached one."""
    if kind == "floor":
        return [
            Scenario("peers", "Django floor (peers): small template", "/hello", server="floor"),
            Scenario("peers", "Django floor (peers): one row", "/row", server="floor"),
        ]
    cached = kind == "cached"
    server, label = ("wagtail-cached", "cached") if cached else ("wagtail", "uncached")
    return [
        Scenario("peers", f"Wagtail guide es, {label}", f"/es/{PEER_GUIDE}", server=server, goal=f"wagtail {label}"),
        Scenario("peers", f"Wagtail guide nl, {label}", f"/nl/{PEER_GUIDE}", server=server, goal=f"wagtail {label}"),
        Scenario("peers", f"Wagtail country page es, {label}", f"/{PEER_COUNTRY}", server=server),
    ]


def scenarios(data: dict, peers: bool = False) -> list[Scenario]:
    guide, window = data["guide"], data["window"]
    today = dt.date(2026, 6, 1)
    rows = [
        Scenario("floor", "floor: small template", "/floor/template/"),
        Scenario("floor", "floor: one row", "/floor/row/"),
    ]
    if peers:
        rows += peer_scenarios("floor")
    for lang in ("es", "en", "fr", "nl", "ht"):
        rows.append(
            Scenario("public", f"guide {lang}, cached", f"/{lang}/cr/guides/{guide}/", cached=True, goal="cached")
        )
    if peers:
        rows += peer_scenarios("cached")
    for lang in ("es", "en", "fr", "nl", "ht"):
        rows.append(
            Scenario(
                "public", f"guide {lang}, uncached", f"/{lang}/cr/guides/{guide}/", cached=False, goal="uncached guide"
            )
        )
    if peers:
        rows += peer_scenarios("uncached")
    rows += [
        Scenario("public", "window directory, cached", "/es/cr/windows/", cached=True, goal="cached"),
        Scenario("public", "window directory, uncached", "/es/cr/windows/", cached=False),
        Scenario("public", "country home, cached", "/es/cr/", cached=True, goal="cached"),
        Scenario("public", "search 'residencia', cached", "/es/cr/search/?q=residencia", cached=True, goal="cached"),
        Scenario("public", "search 'residencia', uncached", "/es/cr/search/?q=residencia", cached=False),
        Scenario("cases", "case list, clerk", "/es/staff/cases/", "staff-cr", goal="case list"),
        Scenario("cases", "case list, officer", "/es/staff/cases/", "officer-cr", goal="case list"),
        Scenario(
            "cases",
            "case list, clerk, filtered (stage)",
            "/es/staff/cases/?stage=approved",
            "staff-cr",
            goal="case list",
        ),
        Scenario(
            "cases",
            "case list, officer, filtered (pathway)",
            f"/es/staff/cases/?pathway={data['pathway']}&status=open",
            "officer-cr",
            goal="case list",
        ),
        Scenario(
            "cases",
            "case list, officer, last page",
            f"/es/staff/cases/?page={data['deep_page']}",
            "officer-cr",
            goal="case list",
        ),
        Scenario("cases", "case page", f"/es/staff/cases/{data['case']}/", "staff-cr", goal="case page"),
        Scenario(
            "cases",
            "person search, a misspelt name",
            "/es/staff/cases/people/search/",
            "staff-cr",
            "POST",
            {"names": data["match"]},
            goal="person search",
        ),
        Scenario(
            "cases",
            "person search, no match",
            "/es/staff/cases/people/search/",
            "staff-cr",
            "POST",
            {"names": "Xochiquetzal Wojciechowska"},
            goal="person search",
        ),
        Scenario(
            "cases",
            "consultation intake (form, POST, fresh form)",
            "/es/staff/cases/consultations/new/",
            "staff-cr",
            "POST",
            {
                "window": window,
                "date": today.isoformat(),
                "channel": "walk_in",
                "topics": "regularization",
                "nationality": "HT",
                "sex": "female",
                "age_group": "18-29",
            },
            cycle=True,
            goal="intake",
        ),
    ]
    for who, user, base in (
        ("country", "officer-cr", "/es/staff/dashboards/cr/"),
        ("regional", "regional", "/es/staff/dashboards/region/"),
    ):
        rows += [
            Scenario(
                "dashboards",
                f"{who} dashboard, year",
                f"{base}?period=year&on=2025-06-01&by=sex",
                user,
                goal="dashboard",
            ),
            Scenario(
                "dashboards",
                f"{who} dashboard, quarter",
                f"{base}?period=quarter&on=2026-02-01&by=age_group",
                user,
                goal="dashboard",
            ),
            Scenario(
                "dashboards",
                f"{who} dashboard, custom year",
                f"{base}?period=custom&start=2025-02-01&end=2026-01-31&by=sex",
                user,
                goal="dashboard",
            ),
        ]
    return rows


# --- In-process probe: queries per request and gzip bytes, with the server's settings ----------------------


def probe(rows: list[Scenario], env: dict) -> dict:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, RegularizationPathway
    from dashboards import rollups, tasks
    from ventanillas.models import Country

    def roll_up_change() -> None:
        """What a refresh after one new consultation in Costa Rica leaves behind, without its writing time."""
        with transaction.atomic():
            rollups._changed(Country.objects.get(code="CR"), {dt.date.today()})
        tasks._warm()

    tasks._warm()  # the rebuild task's: every year table the dashboards read is at hand before the first change
    users = get_user_model().objects
    clients: dict[str | None, Client] = {}
    for row in rows:
        if row.user not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            if row.user:
                user = users.get(username=row.user)
                client.force_login(user)
                pass_second_factor(client, user)
            clients[row.user] = client
        client = clients[row.user]
        extra = {"HTTP_ACCEPT_ENCODING": "gzip"}
        if row.cached is False:
            client.cookies["messages"] = "bench"  # a reader just back from a form: the page is rendered
        if row.cached:
            client.get(row.path)  # fills the cache: the request measured below is served from it
        data = dict(row.body or {})
        if row.cycle:
            form = client.get(row.path).content.decode()
            data["form_token"] = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
        if row.group == "dashboards":
            # The first view after a roll-up change reads the roll-ups; later views read the figures from
            # the cache until the next change. wrk measures the later ones; this, the first (median of 3).
            # A change as the refresh task makes it: a day of Costa Rica written (its stamps, the whole's and
            # the year's move), then the task's year tables computed; the view is timed after both.
            first = []
            for _attempt in range(3):
                roll_up_change()
                started = time.perf_counter()
                client.get(row.path, **extra)
                first.append((time.perf_counter() - started) * 1000)
            row.first_view_ms = sorted(first)[1]
            roll_up_change()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(row.path, data, **extra) if row.method == "POST" else client.get(row.path, **extra)
        if row.cached is False:
            client.cookies.pop("messages", None)
        body = response.content
        raw = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        row.probe = {
            "status": response.status_code,
            "queries": len(queries),
            "gzip": len(body) if response.get("Content-Encoding") == "gzip" else len(gzip.compress(raw)),
            "cache": response.get("X-Page-Cache", ""),
        }
        # A page answers 200; only a POST may redirect (a signed-out or unverified page would redirect too).
        if response.status_code not in ((200, 302) if row.method == "POST" else (200,)):
            raise SystemExit(f"{row.name}: {row.path} answered {response.status_code}")
    pathway = RegularizationPathway.objects.filter(country__code="CR", slug="bench").values_list("pk", flat=True)
    return {"cases": Case.objects.count(), "pathway": pathway.first()}


ROLLUPS = """
import json, os, resource, time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from cases import services
from dashboards import rollups
from ventanillas.models import Membership


def backend_cpu():
    # The database's own work: the CPU of the PostgreSQL process serving this connection (same machine).
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(step):
    load, cpu, db = os.getloadavg()[0], resource.getrusage(resource.RUSAGE_SELF), backend_cpu()
    begin = time.perf_counter()
    result = step()
    after, db_after = resource.getrusage(resource.RUSAGE_SELF), backend_cpu()
    return {
        "wall": time.perf_counter() - begin,
        "cpu": after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
        "db_cpu": None if db is None or db_after is None else db_after - db,
        "load": [round(load, 1), round(os.getloadavg()[0], 1)],
        "result": result,
    }


out = {"rebuild": timed(rollups.rebuild)}
with connection.cursor() as c:
    c.execute("VACUUM ANALYZE dashboards_uniquefact")
    c.execute("VACUUM ANALYZE dashboards_dailyfact")
    c.execute("VACUUM ANALYZE dashboards_periodunique")
membership = Membership.objects.select_related("user", "window").get(user__username="staff-cr")
day = timezone.localdate() - timedelta(days=1)
services.log_consultation(window=membership.window, by=membership.user, data={"date": day, "sex": "female"})
out["refresh"] = timed(rollups.refresh_changed)
print("JSON" + json.dumps(out))
"""


def time_rollups(env: dict) -> dict:
    """Rebuild the roll-ups from scratch, then refresh them after one new consultation: wall time, the CPU
    time of the process and of the database backend serving it, the load average before and after."""
    log("timing the roll-ups: a full rebuild, then a refresh after one new consultation")
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", ROLLUPS], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.split("JSON", 1)[1])
    for step in ("rebuild", "refresh"):
        t = found[step]
        log(f"{step}: {t['wall']:.1f} s, CPU {t['cpu']:.1f} s (database {t['db_cpu'] or 0:.1f} s), load {t['load']}")
    return found


def worker_memory(server: subprocess.Popen) -> list[float]:
    """The resident memory (MB) of each gunicorn worker: the master's children."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", status, re.M)
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if parent and rss and int(parent.group(1)) == server.pid:
            sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def bench_data(env: dict) -> dict:
    """What the scenarios need from the data: a guide, the clerk's window, a case, a name to search."""
    script = """
import json
from cases.models import Case, Person, RegularizationPathway
from hub.models import Guide
from ventanillas.models import Membership
guide = Guide.objects.filter(country__code="CR").published().exclude(title_es="").order_by("pk").first()
window = Membership.objects.get(user__username="staff-cr").window
case = Case.objects.filter(window=window).order_by("-pk").first()
# Names are encrypted: the newest Maria of the window is found by reading the newest people's names.
people = Person.objects.filter(window=window).order_by("-pk")[:500]
person = next((p for p in people if p.given_names == "maria"), case.person)
# Misspelt as a clerk might: two letters of the first long family name swapped ("rodirguez").
words = (person.given_names + " " + person.family_names).split()
at = next((i for i, w in enumerate(words) if i and len(w) >= 5), len(words) - 1)
word = words[at]
words[at] = word[:2] + word[3] + word[2] + word[4:] if len(word) >= 4 else word
officer_cases = Case.objects.filter(window__country__code="CR").count()
print(json.dumps({"guide": guide.slug, "window": window.pk, "case": case.pk,
    "match": " ".join(words),
    "pathway": RegularizationPathway.objects.get(country__code="CR", slug="bench").pk,
    "deep_page": max(1, -(-officer_cases // 25))}))  # the last page of the officer's list
"""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The server and the load -------------------------------------------------------------------------------


def pass_second_factor(client, user) -> None:
    """Mark a test client's session as past the second factor (the demo accounts' authenticator)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.two_factor import app_device

    device = app_device(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def second_factor_code(username: str) -> str:
    """The current code of the demo account's authenticator (the demo loads one per account)."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import TOTP

    from accounts.two_factor import app_device

    device = app_device(get_user_model().objects.get(username=username))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def login(base: str, username: str) -> str:
    """The Cookie header of a signed-in session that passed the second factor (secure cookies, so kept by
    hand over plain HTTP)."""
    opener = urllib.request.build_opener(NoRedirect)
    page = opener.open(f"{base}/es/accounts/login/")
    csrf = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
    html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = f"csrfmiddlewaretoken={token}&username={username}&password=ventanillas-demo".encode()
    request = urllib.request.Request(f"{base}/es/accounts/login/", data=body, headers={"Cookie": f"csrftoken={csrf}"})
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as redirect:
        response = redirect
    cookies = response.headers.get_all("Set-Cookie") or []
    session = next(re.search(r"sessionid=([^;]+)", c).group(1) for c in cookies if c.startswith("sessionid="))
    csrf = next((re.search(r"csrftoken=([^;]+)", c).group(1) for c in cookies if c.startswith("csrftoken=")), csrf)
    cookie = f"sessionid={session}; csrftoken={csrf}"
    page = opener.open(urllib.request.Request(f"{base}/es/accounts/two-factor/", headers={"Cookie": cookie}))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    body = f"csrfmiddlewaretoken={token}&otp_token={second_factor_code(username)}".encode()
    request = urllib.request.Request(f"{base}/es/accounts/two-factor/", data=body, headers={"Cookie": cookie})
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as redirect:
        response = redirect
    if response.status != 302:
        raise SystemExit(f"{username}: the second factor was refused ({response.status})")
    cookies = response.headers.get_all("Set-Cookie") or []
    session = next(
        (re.search(r"sessionid=([^;]+)", c).group(1) for c in cookies if c.startswith("sessionid=")), session
    )
    return f"sessionid={session}; csrftoken={csrf}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


LUA = """
-- The POST of the intake is timed on its own (one connection per thread, so a response answers the last
-- request sent): a monotonic clock through LuaJIT's FFI.
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_timespec; int clock_gettime(int, bench_timespec *); ]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
posts = {}
post_errors = 0
local posted_at = nil
local threads = {}
setup = function(thread) table.insert(threads, thread) end
local cookie = %(cookie)s
local method = %(method)s
local path = %(path)s
local body = %(body)s
local cycle = %(cycle)s
local token = nil
local n = 0
-- The intake reads its form's one-time token from the body: asked for gzip, the body is compressed, no token is
-- found and no POST is ever sent (the cycle measured only the form until 7 December 2026).
if not cycle then wrk.headers["Accept-Encoding"] = "gzip" end
if cookie ~= "" then wrk.headers["Cookie"] = cookie end
local function posting()
  local h = {["Content-Type"] = "application/x-www-form-urlencoded"}
  for k, v in pairs(wrk.headers) do h[k] = v end
  return h
end
request = function()
  if cycle then
    if token == nil then return wrk.format("GET", path) end
    local b = body .. "&form_token=" .. token
    token = nil
    posted_at = now_ms()
    return wrk.format("POST", path, posting(), b)
  end
  if method == "POST" then
    return wrk.format("POST", path, posting(), body)
  end
  return wrk.format("GET", path)
end
response = function(status, headers, resp)
  if cycle and status == 200 then
    token = string.match(resp, 'name="form_token" value="([^"]+)"')
  end
  if posted_at ~= nil then
    if status == 302 then table.insert(posts, now_ms() - posted_at) else post_errors = post_errors + 1 end
    posted_at = nil
  end
  if cycle and status == 302 then n = n + 1 end
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local all, failed = {}, 0
  for _, thread in ipairs(threads) do
    for _, ms in ipairs(thread:get("posts")) do table.insert(all, ms) end
    failed = failed + thread:get("post_errors")
  end
  table.sort(all)
  local function pick(q) if #all == 0 then return -1 end return all[math.max(1, math.ceil(#all * q))] end
  io.write(string.format("JSON{\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f, \\"errors\\": %%d, \\"posts\\": %%d, \\"post_errors\\": %%d, \\"post_p50\\": %%f, \\"post_p95\\": %%f, \\"post_p99\\": %%f}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, #all, failed, pick(0.5), pick(0.95), pick(0.99)))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)


def run_wrk(base: str, row: Scenario, cookie: str, duration: int, connections: int) -> dict:
    from urllib.parse import urlencode

    body = dict(row.body or {})
    if row.method == "POST":
        body["csrfmiddlewaretoken"] = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    if row.cached is False:
        cookie = "; ".join(c for c in (cookie, "messages=bench") if c)
    script = LUA % {
        "cookie": lua_string(cookie),
        "method": lua_string(row.method),
        "path": lua_string(row.path),
        "body": lua_string(urlencode(body)),
        "cycle": "true" if row.cycle else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{connections}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                base + row.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    found = re.search(r"JSON(\{.*\})", out.stdout)
    if not found:
        raise SystemExit(f"wrk gave no result for {row.name}:\n{out.stdout}\n{out.stderr}")
    result = json.loads(found.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    if row.cycle:  # two requests (the POST and the fresh form) per consultation
        result["consultations"] = result["rps"] / 2
    return result


def gunicorn_options(gunicorn: Path) -> list[str]:
    """The settings every server of the run shares: 2 sync workers on 127.0.0.1, warnings only. gunicorn 25 and
    later open a control socket at one shared path (~/.gunicorn) unless told not to: servers side by side would
    take it from each other."""
    options = ["--workers", "2", "--worker-class", "sync", "--log-level", "warning"]
    shown = subprocess.run([str(gunicorn), "--help"], capture_output=True, text=True, check=False).stdout
    if "--no-control-socket" in shown:
        options.append("--no-control-socket")
    return options


def wait_ready(server: subprocess.Popen, url: str, name: str) -> None:
    for _attempt in range(60):
        if server.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(1)
    stop_server(server)
    raise SystemExit(f"{name} did not start ({url})")


def stop_server(server: subprocess.Popen) -> None:
    """Stop a gunicorn started here, master and workers (its own process group), whatever state it is in."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def port_in_use(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def start_server(env: dict, port: int) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if port_in_use(port):
        raise SystemExit(f"127.0.0.1:{port} is already in use (BENCH_PORT names another)")
    server = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", *gunicorn_options(gunicorn), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    wait_ready(server, f"http://127.0.0.1:{port}/floor/template/", "the portal's gunicorn")
    return server


# --- The peers: the bare Django floor and a Wagtail guide site, side by side --------------------------------

PEER_GUIDE = "spain/residence-permit/"  # the guide and country page the peers' run.sh loads
PEER_COUNTRY = "es/spain/"
# Each of the peers' servers: its folder, WSGI application, settings, extra environment and port (their
# run.sh's: 8101, 8102, 8103; BENCH_PEER_PORTS names three others).
PEER_SITES = {
    "floor": ("floor", "floorproj.wsgi:application", "floorproj.settings", {}),
    "wagtail": ("wagtail", "wagsite.wsgi:application", "wagsite.settings", {}),
    "wagtail-cached": ("wagtail", "wagsite.wsgi:application", "wagsite.settings", {"PEER_CACHE": "1"}),
}
PEER_READY = {"floor": "/hello", "wagtail": f"/es/{PEER_GUIDE}", "wagtail-cached": f"/es/{PEER_GUIDE}"}


class Peers:
    """A writable copy of the peers' folder (its README.md): set up, its pages' queries counted, its three
    servers started beside the portal's and stopped with it."""

    def __init__(self, folder: str) -> None:
        self.root = Path(folder).resolve()
        if not (self.root / "setup.sh").exists() or not (self.root / "wagtail").is_dir():
            raise SystemExit(f"--peers {folder}: not a copy of the peers' folder (no setup.sh, no wagtail/)")
        ports = os.environ.get("BENCH_PEER_PORTS", "8101,8102,8103").split(",")
        self.ports = dict(zip(PEER_SITES, map(int, ports), strict=True))
        self.python = self.root / ".venv" / "bin" / "python"

    def env(self, server: str | None = None) -> dict[str, str]:
        # Their manage.py and wsgi.py only set a default settings module: the portal's must not leak in.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        if server:
            env.update(PEER_SITES[server][3], DJANGO_SETTINGS_MODULE=PEER_SITES[server][2])
        return env

    def setup(self) -> None:
        """Their setup.sh (idempotent: a venv, the role peer_bench, the databases peer_floor and peer_wagtail,
        migrated and seeded)."""
        log(f"the peers: {self.root}/setup.sh")
        subprocess.run([str(self.root / "setup.sh")], cwd=self.root, env=self.env(), check=True)

    def versions(self) -> str:
        script = (
            "from importlib.metadata import version as v; "
            "print(', '.join(f'{p} {v(p)}' for p in ('Django', 'wagtail', 'wagtail-localize', 'gunicorn')))"
        )
        out = subprocess.run([str(self.python), "-c", script], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def probe(self, rows: list[Scenario]) -> None:
        """Queries per request with their own counter (Django's test client, the third request of each page, so
        a cached page reads none); a page that does not answer 200 stops the run."""
        for server in PEER_SITES:
            mine = [row for row in rows if row.server == server]
            if not mine:
                continue
            folder = self.root / PEER_SITES[server][0]
            out = subprocess.run(
                [str(self.python), "../lib/count_queries.py", *(row.path for row in mine)],
                cwd=folder,
                env=self.env(server),
                capture_output=True,
                text=True,
                check=True,
            )
            found = {}
            for line in out.stdout.splitlines():
                url, *fields = line.split("\t")
                if fields:
                    found[url] = dict(f.split("=", 1) for f in fields)
            for row in mine:
                counted = found.get(row.path, {})
                if counted.get("status") != "200":
                    raise SystemExit(f"{row.name}: {row.path} answered {counted.get('status')}\n{out.stderr}")
                row.probe = {"status": 200, "queries": int(counted["queries_warm2"]), "cache": ""}

    def start(self, stack: contextlib.ExitStack) -> dict[str, str]:
        """Start the three servers (each stopped when ``stack`` closes) and return their addresses."""
        gunicorn = self.root / ".venv" / "bin" / "gunicorn"
        options = gunicorn_options(gunicorn)
        bases = {}
        for server, (folder, app, _settings, _env) in PEER_SITES.items():
            port = self.ports[server]
            if port_in_use(port):
                raise SystemExit(f"127.0.0.1:{port} is already in use: not starting the peers' {server}")
            process = subprocess.Popen(
                [str(gunicorn), *options, "--bind", f"127.0.0.1:{port}", app],
                cwd=self.root / folder,
                env=self.env(server),
                start_new_session=True,
            )
            stack.callback(stop_server, process)
            bases[server] = f"http://127.0.0.1:{port}"
            wait_ready(process, bases[server] + PEER_READY[server], f"the peers' {server}")
            log(f"the peers' {server}: gunicorn pid {process.pid} on 127.0.0.1:{port}")
        return bases

    @staticmethod
    def sizes(rows: list[Scenario], bases: dict[str, str]) -> None:
        """The gzip bytes of each peer page (they answer uncompressed: their size once gzipped, as the portal's)."""
        for row in rows:
            if row.server in PEER_SITES:
                body = urllib.request.urlopen(bases[row.server] + row.path, timeout=10).read()
                row.probe["gzip"] = len(gzip.compress(body))


# --- The report --------------------------------------------------------------------------------------------


def best(rounds: list[dict]) -> dict:
    return max(rounds, key=lambda r: r["rps"])


MET = {True: "yes", False: "NO", None: "not run", "reported": "reported (the goal is at scale 1)"}


def goals(run: dict) -> list[tuple[str, bool | str | None, str]]:
    """Each goal, met or not (None: not measured in this run; "reported": a time whose goal is at another
    scale), and what was measured."""
    rows = run["rows"]
    floor_rps = rows[0].result["rps"]

    def pick(goal):
        return [r for r in rows if r.goal == goal]

    out = []
    cached = pick("cached")
    lowest = min(cached, key=lambda r: r.result["rps"])
    worst = lowest.result["rps"] / floor_rps
    out.append(("cached public page ≥ 0.9 × template floor", worst >= 0.9, f"lowest {worst:.2f} ×"))
    uncached = pick("uncached guide")
    slowest = min(uncached, key=lambda r: r.result["rps"])
    wagtail_cached, wagtail_uncached = pick("wagtail cached"), pick("wagtail uncached")
    if run.get("peers"):
        # The peers: the lowest of the portal's pages against the best of theirs, each its best round.
        [bare] = [r for r in rows if r.server == "floor" and r.path == "/hello"]
        ratio = lowest.result["rps"] / bare.result["rps"]
        out.append(
            (
                "cached public page ≥ 0.9 × the bare Django floor (the peers' small template)",
                ratio >= 0.9,
                f"lowest {ratio:.2f} × ({lowest.name}: {lowest.result['rps']:,.0f} req/s, the floor "
                f"{bare.result['rps']:,.0f})",
            )
        )
        theirs = max(wagtail_cached, key=lambda r: r.result["rps"])
        out.append(
            (
                "cached public pages ≥ Wagtail's cached guide",
                lowest.result["rps"] >= theirs.result["rps"],
                f"lowest {lowest.result['rps']:,.0f} req/s ({lowest.name}) against {theirs.result['rps']:,.0f} "
                f"({theirs.name})",
            )
        )
        theirs = max(wagtail_uncached, key=lambda r: r.result["rps"])
        out.append(
            (
                "uncached guide ≥ 2 × Wagtail's uncached guide",
                slowest.result["rps"] >= 2 * theirs.result["rps"],
                f"lowest {slowest.result['rps']:,.0f} req/s ({slowest.name}) against 2 × "
                f"{theirs.result['rps']:,.0f} ({theirs.name}): {slowest.result['rps'] / theirs.result['rps']:.2f} ×",
            )
        )
    else:
        for label in (
            "cached public page ≥ 0.9 × the bare Django floor (the peers' small template)",
            "cached public pages ≥ Wagtail's cached guide",
            "uncached guide ≥ 2 × Wagtail's uncached guide",
        ):
            out.append((label, None, "the peers not run (no --peers)"))
    most = max(r.probe["queries"] for r in uncached)
    out.append(("uncached guide: ≤ 5 queries", most <= 5, f"{most} queries at most"))
    for goal, label, limit in (
        ("person search", "person search p95 < 50 ms (names encrypted, blind index)", 50),
        ("case list", "case list p95 < 100 ms, every role", 100),
        ("case page", "case page p95 < 50 ms", 50),
        ("dashboard", "every dashboard and custom period p95 < 300 ms (repeat views: figures from the cache)", 300),
    ):
        worst_p95 = max(r.result["p95"] for r in pick(goal))
        out.append((label, worst_p95 < limit, f"worst p95 {worst_p95:.0f} ms"))
    slowest = max(pick("dashboard"), key=lambda r: r.first_view_ms or 0)
    out.append(
        (
            "every dashboard and custom period < 300 ms at its first view after a roll-up change (one request, no load)",
            slowest.first_view_ms < 300,
            f"slowest {slowest.first_view_ms:.0f} ms ({slowest.name})",
        )
    )
    [intake] = pick("intake")
    r = intake.result
    errors = r["errors"] + r.get("post_errors", 0)
    out.append(
        (
            "intake: 0 errors, the POST's p95 < 100 ms",
            errors == 0 and 0 <= r.get("post_p95", -1) < 100,
            f"{errors} errors, POST p95 {r.get('post_p95', -1):.0f} ms ({r['consultations']:.0f} consultations/s)",
        )
    )
    if run["rollups"]:
        rebuild, refresh = run["rollups"]["rebuild"], run["rollups"]["refresh"]
        out.append(
            (
                "roll-ups rebuilt in < 120 s at scale 1 (a quiet machine)",
                rebuild["wall"] < 120 if run["scale"] == 1 else "reported",
                f"{rebuild['wall']:.0f} s, load average {rebuild['load'][0]}–{rebuild['load'][1]}",
            )
        )
        out.append(("a one-day refresh in < 1 s", refresh["wall"] < 1, f"{refresh['wall']:.2f} s"))
    if run["memory"]:
        out.append(
            (
                "each worker's resident memory after the run ≤ 200 MB",
                max(run["memory"]) <= 200,
                ", ".join(f"{mb:.0f} MB" for mb in run["memory"]),
            )
        )
    return out


def scale_report(run: dict, args, heading: str) -> list[str]:
    rows, numbers = run["rows"], run["counts"]
    floor_rps = rows[0].result["rps"]
    if run.get("peers"):
        peers = (
            f"Beside the portal, in the same rounds, the peers' bare Django floor and their Wagtail + "
            f"wagtail-localize guide site ({run['peers']}; 4 languages, 268 pages, on their own PostgreSQL "
            f"databases, connections kept 600 s), on gunicorn with the same settings, once uncached and once "
            f"with Django's per-site cache (local memory in each worker); their queries counted by their own "
            f"`lib/count_queries.py` (a page's third request), their gzip bytes those of their plain answer gzipped."
        )
    else:
        peers = "Wagtail and the peers' bare Django floor were not run (no `--peers`): their goals say so."
    lines = [
        f"{heading}{run['scale']:g} (database `{run.get('database', '')}`): {numbers['consultations']:,} "
        f"consultations, {numbers['people']:,} people, {numbers['cases']:,} cases, {numbers['processes']:,} "
        f"processes, {numbers['participants']:,} training participants. gunicorn, 2 sync workers, production "
        f"settings (DEBUG off, Redis page cache, database connections kept 60 s), PostgreSQL "
        f"{numbers['postgres']}; wrk, {args.connections} connections, {args.duration} s per scenario (the floors, "
        f"the guides cached and uncached, every cached public page and the peers' pages driven in turn, after a "
        f"second's warm-up each, for {args.rounds} round{'s' * (args.rounds != 1)}, each its best). Machine: "
        f"{os.cpu_count()} cores shared with other work, so figures are noisy. Latencies in ms. Queries and gzip "
        f"bytes are those of one request with the same settings; a cached page reads none. The intake's "
        f"latencies are those of its whole cycle; the POST's own are given in its row.",
        "",
        peers,
        "",
        "| scenario | req/s | p50 | p95 | p99 | errors | queries/request | gzip bytes | × floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        r = row.result
        rate = f"{r['rps']:,.0f}"
        if row.cycle:
            rate += (
                f" ({r['consultations']:,.0f} consultations/s; the POST: p50 {r.get('post_p50', -1):.1f}, "
                f"p95 {r.get('post_p95', -1):.1f}, p99 {r.get('post_p99', -1):.1f})"
            )
        lines.append(
            f"| {row.name} | {rate} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} | "
            f"{row.probe['queries']} | {row.probe['gzip']:,} | {r['rps'] / floor_rps:.2f} |"
        )
    lines += [
        "",
        "Dashboards read their figures from the roll-ups at the first view after a roll-up change, then from the "
        "cache until the next change (the table above: repeat views). The first view, in-process, one request "
        "at a time (median of 3), after a change as the refresh task leaves it (Costa Rica's, the whole's and "
        "this year's stamps moved, the task's year tables computed):",
        "",
        "| dashboard | first view after a roll-up change (ms) |",
        "|---|---:|",
    ]
    lines += [f"| {row.name} | {row.first_view_ms:.0f} |" for row in rows if row.first_view_ms is not None]
    if run["rollups"]:
        lines += [
            "",
            "The roll-ups (`rebuild_rollups`, then `refresh_changed` after one new consultation), before the load: "
            "wall time, CPU time of the Python process and of the PostgreSQL backend serving it, and the load "
            "average when the step began and ended (on 2 shared cores a load above 2 stretches the wall time):",
            "",
            "| step | wall | CPU, Python | CPU, PostgreSQL | load average | what |",
            "|---|---:|---:|---:|---|---|",
        ]
        for step, name in (("rebuild", "full rebuild"), ("refresh", "refresh after one consultation")):
            t = run["rollups"][step]
            db = "–" if t["db_cpu"] is None else f"{t['db_cpu']:.1f} s"
            lines.append(
                f"| {name} | {t['wall']:.2f} s | {t['cpu']:.2f} s | {db} | {t['load'][0]} → {t['load'][1]} | "
                f"{t['result']} |"
            )
    if run["memory"]:
        lines += ["", "Resident memory of each gunicorn worker after the run: "
                  + ", ".join(f"{mb:.0f} MB" for mb in run["memory"]) + "."]  # fmt: skip
    lines += ["", "| goal | met | measured |", "|---|---|---|"]
    for label, met, measured in goals(run):
        lines.append(f"| {label} | {MET[met]} | {measured} |")
    return lines


# Growth: these scenarios' p95 should grow by at most this ratio from scale 1 to scale 3.
GROWTH_GOALS = ("case list", "person search", "case page", "dashboard")
GROWTH_LIMIT = 1.3


def growth_report(runs: list[dict]) -> list[str]:
    first, last = runs[0], runs[-1]
    ratio_name = f"p95 × {last['scale']:g} / × {first['scale']:g}"
    where = (
        f"each scale on its own database (`{first['database']}`, `{last['database']}`)"
        if first["database"] != last["database"]
        else "the same database filled further"
    )
    lines = [
        "",
        f"## Growth: scale {first['scale']:g} to {last['scale']:g}",
        "",
        f"The same scenarios, {where}. Goal: {ratio_name} ≤ {GROWTH_LIMIT} for the case lists, the person "
        "search, the case page and the dashboards. The peers' pages read no data of the portal: their ratio is "
        "the machine's own drift between the two runs.",
        "",
        f"| scenario | p95 at {first['scale']:g} | p95 at {last['scale']:g} | ratio | goal ≤ {GROWTH_LIMIT} |",
        "|---|---:|---:|---:|---|",
    ]
    worst = None
    for before, after in zip(first["rows"], last["rows"], strict=True):
        ratio = after.result["p95"] / before.result["p95"] if before.result["p95"] else float("inf")
        goal = before.goal in GROWTH_GOALS
        if goal and (worst is None or ratio > worst[0]):
            worst = (ratio, before.name)
        mark = ("yes" if ratio <= GROWTH_LIMIT else "NO") if goal else ""
        lines.append(
            f"| {before.name} | {before.result['p95']:.1f} | {after.result['p95']:.1f} | {ratio:.2f} | {mark} |"
        )
    lines += [
        "",
        f"| at both scales | {first['scale']:g} | {last['scale']:g} | ratio | goal |",
        "|---|---:|---:|---:|---|",
    ]
    if first["rollups"] and last["rollups"]:
        # The rebuild's goal is at scale 1 (the programme today), its time at 3 only reported; the refresh's at both.
        steps = (
            ("rebuild", "roll-ups: full rebuild (wall, s)", 120, False),
            ("refresh", "roll-ups: one-day refresh (wall, s)", 1, True),
        )
        for step, name, limit, both in steps:
            a, b = first["rollups"][step]["wall"], last["rollups"][step]["wall"]
            met = "yes" if (max(a, b) if both else a) < limit else "NO"
            where = "at both" if both else f"at {first['scale']:g}, {last['scale']:g} reported"
            lines.append(f"| {name} | {a:.2f} | {b:.2f} | {b / a:.2f} | < {limit} s {where}: {met} |")
    else:
        lines.append("| roll-ups: rebuild and refresh | not timed (`--skip-rollups`) | | | |")
    a, b = max(first["memory"] or [0]), max(last["memory"] or [0])
    met = "yes" if max(a, b) <= 200 else "NO"
    lines.append(
        f"| each worker's resident memory after the run (MB, the larger) | {a:.0f} | {b:.0f} | "
        f"{b / a if a else 0:.2f} | ≤ 200 MB at both: {met} |"
    )
    if worst:
        lines += ["", f"Worst p95 ratio among the goal's scenarios: {worst[0]:.2f} ({worst[1]})."]
    return lines


def report(runs: list[dict], args, started: str) -> str:
    lines = [f"# Benchmark, {started}", ""]
    if len(runs) == 1:
        lines += scale_report(runs[0], args, "Scale ")
    else:  # the comparison first, then each scale's whole table
        lines += [*growth_report(runs)[1:], ""]
        for run in runs:
            lines += [f"## Scale {run['scale']:g}", "", *scale_report(run, args, "Scale "), ""]
    return "\n".join(lines) + "\n"


def update_readme(table: str, path: Path) -> None:
    """Put the latest table in the README and in bench/README.md, between their markers."""
    begin, end = "<!-- latest results -->", "<!-- end of latest results -->"
    for readme, link in (
        (ROOT / "README.md", f"bench/results/{path.name}"),
        (ROOT / "bench" / "README.md", f"results/{path.name}"),
    ):
        block = f"{begin}\nLatest run ([{path.name}]({link})):\n\n{table}{end}"
        text = readme.read_text()
        if begin in text:
            text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _m, b=block: b, text, flags=re.S)
        else:
            text += "\n" + block + "\n"
        readme.write_text(text)


def counts(env: dict) -> dict:
    script = """
import json
from django.db import connection
out = {}
with connection.cursor() as c:
    for key, table in (("consultations", "cases_consultation"), ("people", "cases_person"), ("cases", "cases_case"),
                       ("processes", "cases_regularizationprocess"), ("participants", "training_participant")):
        c.execute(f"SELECT count(*) FROM {table}")
        out[key] = c.fetchone()[0]
    c.execute("SHOW server_version")
    out["postgres"] = c.fetchone()[0].split()[0]
print(json.dumps(out))
"""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compared(row: Scenario) -> bool:
    """Driven round after round with the others compared: the floors, the guides (cached and uncached), every
    cached public page and the peers' pages."""
    return row.group in ("floor", "peers") or row.goal in ("cached", "uncached guide")


def run_scale(scale: float, args, cache_url: str, dev_env: dict, peers: Peers | None) -> dict:
    """Seed to ``scale``, time the roll-ups, drive every scenario; the results of that scale."""
    if not args.skip_seed:
        log(f"seed_scale --scale {scale:g}")
        subprocess.run([PYTHON, "manage.py", "seed_scale", "--scale", str(scale)], cwd=ROOT, env=dev_env, check=True)
    rollup_times = None if args.skip_rollups else time_rollups(dev_env)
    env = production_env(cache_url)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "-c", f"import redis; redis.Redis.from_url({cache_url!r}).flushdb()"], cwd=ROOT, check=True)
    data = bench_data(env)
    rows = scenarios(data, peers=peers is not None)
    numbers = counts(env)
    log("probing queries and sizes")
    probe([row for row in rows if row.server == "portal"], env)
    if peers:
        peers.probe(rows)
    bases = {"portal": f"http://127.0.0.1:{args.port}"}
    with contextlib.ExitStack() as stack:
        server = start_server(env, args.port)
        stack.callback(stop_server, server)
        cookies = {user: login(bases["portal"], user) for user in {r.user for r in rows if r.user}}

        def drive(row: Scenario) -> dict:
            return run_wrk(bases[row.server], row, cookies.get(row.user, ""), args.duration, args.connections)

        def logged(row: Scenario, result: dict, prefix: str = "") -> None:
            log(
                f"{prefix}{row.name}: {result['rps']:,.0f} req/s, p95 {result['p95']:.1f} ms, {result['errors']} errors"
            )

        together = [row for row in rows if compared(row)]
        with contextlib.ExitStack() as peer_servers:  # the peers run beside the portal for these rounds only
            if peers:
                bases.update(peers.start(peer_servers))
                peers.sizes(rows, bases)
            for row in together:  # a second's warm-up each, alike: the cached Wagtail fills each worker's cache
                run_wrk(bases[row.server], row, cookies.get(row.user, ""), 1, args.connections)
            results: dict[int, list[dict]] = {id(row): [] for row in together}
            for number in range(1, args.rounds + 1):
                for row in together:
                    results[id(row)].append(drive(row))
                    logged(row, results[id(row)][-1], f"round {number}/{args.rounds}: ")
            for row in together:
                row.result = best(results[id(row)])
        for row in rows:
            if not compared(row):
                row.result = drive(row)
                logged(row, row.result)
        memory = worker_memory(server)
        log(f"workers' resident memory after the run: {', '.join(f'{mb:.0f} MB' for mb in memory)}")
    return {
        "scale": scale,
        "database": urllib.parse.urlparse(os.environ["DATABASE_URL"]).path.lstrip("/"),
        "rows": rows,
        "counts": numbers,
        "rollups": rollup_times,
        "memory": memory,
        "peers": peers.versions() if peers else None,
    }


def run_apart(scale: float, database: str, args) -> dict:
    """One scale of a growth run in a process of its own, on its database: Django reads its settings once per
    process, and the staff sessions and second factors belong to that database."""
    with tempfile.TemporaryDirectory() as folder:
        found = Path(folder) / "run.json"
        command = [PYTHON, __file__, "--scale", str(scale), "--growth", "", "--databases", ""]
        command += ["--duration", str(args.duration), "--connections", str(args.connections)]
        command += ["--rounds", str(args.rounds), "--port", str(args.port), "--emit-json", str(found)]
        command += ["--skip-seed"] * args.skip_seed + ["--skip-rollups"] * args.skip_rollups
        if args.peers:
            command += ["--peers", args.peers, "--peers-ready"]
        log(f"scale {scale:g} on the database {urllib.parse.urlparse(database).path.lstrip('/')}")
        child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": database})
        try:
            status = child.wait()
        except KeyboardInterrupt:  # the child had it too, and stops its servers
            child.wait()
            raise
        except BaseException:
            child.terminate()
            child.wait()
            raise
        if status:
            raise SystemExit(f"scale {scale:g} stopped (exit status {status})")
        run = json.loads(found.read_text())
    run["rows"] = [Scenario(**row) for row in run["rows"]]
    return run


def stop_on_term(_signum, _frame) -> None:
    """A terminated run still stops every server it started (the ``finally`` and exit stacks run)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(143)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument(
        "--growth",
        default=os.environ.get("BENCH_GROWTH", ""),
        help="scales to run one after the other, e.g. 1,3: the report compares them",
    )
    parser.add_argument(
        "--databases",
        default=os.environ.get("BENCH_DATABASES", ""),
        help="with --growth, one database URL per scale (seed_scale brings each to its scale, adding nothing "
        "to one already there); without it every scale fills DATABASE_URL's further",
    )
    parser.add_argument(
        "--peers",
        default=os.environ.get("BENCH_PEERS", ""),
        help="a writable copy of the peers' folder: its Django floor and Wagtail guide site run side by side",
    )
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 4)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--skip-seed", action="store_true", help="use the data already in the database")
    parser.add_argument("--skip-rollups", action="store_true", help="do not time a rebuild and a refresh")
    parser.add_argument("--emit-json", help=argparse.SUPPRESS)  # one scale of a growth run: its results
    parser.add_argument("--peers-ready", action="store_true", help=argparse.SUPPRESS)  # setup.sh has run
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop_on_term)
    scales = [float(x) for x in args.growth.split(",")] if args.growth else [args.scale]
    databases = [url for url in args.databases.split(",") if url]
    if databases and len(databases) != len(scales):
        sys.exit(f"--databases: one database per scale of --growth ({len(scales)}), not {len(databases)}")
    if not databases:
        if scales != sorted(scales):
            sys.exit("--growth: the scales in increasing order (the database is filled further for each)")
        databases = [os.environ.get("DATABASE_URL", "")] * len(scales)
    if not all(url.startswith("postgres") for url in databases):
        sys.exit("Set DATABASE_URL (or --databases) to own PostgreSQL databases (postgres://...).")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    peers = Peers(args.peers) if args.peers else None
    if peers and not args.peers_ready:
        peers.setup()
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1")
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if len(scales) == 1:
        os.environ["DATABASE_URL"] = databases[0]
        dev_env = {**os.environ, "DEBUG": "1"}
        runs = [run_scale(scales[0], args, cache_url, dev_env, peers)]
    else:
        runs = [run_apart(scale, database, args) for scale, database in zip(scales, databases, strict=True)]
    if args.emit_json:
        run = {**runs[0], "rows": [asdict(row) for row in runs[0]["rows"]]}
        Path(args.emit_json).write_text(json.dumps(run))
        return
    text = report(runs, args, started)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{dt.date.today().isoformat()}.md"
    count = 1
    while path.exists():  # a second run on the same day keeps the first one's report
        count += 1
        path = results / f"{dt.date.today().isoformat()}-{count}.md"
    path.write_text(text)
    table = text.split("\n", 2)[2]
    update_readme(table, path)
    print(text)
    log(f"written {path.relative_to(ROOT)}; README.md and bench/README.md show it")


if __name__ == "__main__":
    main()
