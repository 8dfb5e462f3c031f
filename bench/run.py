# ruff: noqa: S603, S607, S310 - runs this checkout's own tools (gunicorn, wrk, manage.py) against 127.0.0.1
"""`make bench`: every page of the portal under load, against the framework's floor, at programme scale.

Not a test; never run in CI. Needs its own PostgreSQL database and a Redis database for the page cache:

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE vt_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_bench BENCH_CACHE_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/run.py [--scale 1] [--duration 10] [--connections 4]

1. ``manage.py seed_scale --scale S`` (resumable) fills the database (1,000,000 consultations ... at 1).
2. gunicorn (2 sync workers) starts with the production settings (DEBUG off, Redis cache, connections kept)
   plus ``BENCH_FLOOR=1``, which routes the floor: a small template, and the same reading one row.
3. Each scenario is first requested in this process, with the same settings, to count its database queries
   and the bytes of its gzipped answer; then wrk drives it for ``--duration`` seconds with ``--connections``
   connections (one per thread), three rounds for the floor and the cached guide.
4. ``bench/results/<date>.md`` gets the table (req/s, p50/p95/p99, errors, queries per request, gzip bytes,
   ratio to the template floor) and the goals met or not; the README shows the latest table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
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
    probe: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def scenarios(data: dict) -> list[Scenario]:
    guide, window = data["guide"], data["window"]
    today = dt.date(2026, 6, 1)
    rows = [
        Scenario("floor", "floor: small template", "/floor/template/"),
        Scenario("floor", "floor: one row", "/floor/row/"),
    ]
    for lang in ("es", "en", "fr", "nl", "ht"):
        rows.append(
            Scenario("public", f"guide {lang}, cached", f"/{lang}/cr/guides/{guide}/", cached=True, goal="cached")
        )
    for lang in ("es", "en", "fr", "nl", "ht"):
        rows.append(
            Scenario(
                "public", f"guide {lang}, uncached", f"/{lang}/cr/guides/{guide}/", cached=False, goal="uncached guide"
            )
        )
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


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _attempt in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/floor/template/", timeout=2)
            return server
        except OSError:
            time.sleep(1)
    server.kill()
    raise SystemExit("gunicorn did not start")


# --- The report --------------------------------------------------------------------------------------------


def best(rounds: list[dict]) -> dict:
    return max(rounds, key=lambda r: r["rps"])


def goals(run: dict) -> list[tuple[str, bool | None, str]]:
    rows = run["rows"]
    floor_rps = rows[0].result["rps"]

    def pick(goal):
        return [r for r in rows if r.goal == goal]

    out = []
    cached = pick("cached")
    worst = min(r.result["rps"] / floor_rps for r in cached)
    out.append(("cached public page ≥ 0.9 × template floor", worst >= 0.9, f"lowest {worst:.2f} ×"))
    uncached = pick("uncached guide")
    low = min(r.result["rps"] for r in uncached)
    most = max(r.probe["queries"] for r in uncached)
    out.append(
        (
            "uncached guide ≈ 500 req/s with ≤ 5 queries",
            low >= 500 and most <= 5,
            f"lowest {low:.0f} req/s, {most} queries",
        )
    )
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
                "roll-ups rebuilt in < 120 s (a quiet machine)",
                rebuild["wall"] < 120,
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
    lines = [
        f"{heading}{run['scale']:g}: {numbers['consultations']:,} consultations, {numbers['people']:,} people, "
        f"{numbers['cases']:,} cases, {numbers['processes']:,} processes, {numbers['participants']:,} training "
        f"participants. gunicorn, 2 sync workers, production settings (DEBUG off, Redis page cache, database "
        f"connections kept 60 s), PostgreSQL {numbers['postgres']}; wrk, {args.connections} connections, "
        f"{args.duration} s per scenario (the floor and every cached public page: best of {args.rounds} rounds). Machine: "
        f"{os.cpu_count()} cores shared with other work, so figures are noisy. Latencies in ms. Queries and "
        f"gzip bytes are those of one request with the same settings; a cached page reads none. The intake's "
        f"latencies are those of its whole cycle; the POST's own are given in its row.",
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
        lines.append(f"| {label} | {'yes' if met else 'NO'} | {measured} |")
    return lines


# Growth: these scenarios' p95 should grow by at most this ratio from scale 1 to scale 3.
GROWTH_GOALS = ("case list", "person search", "case page", "dashboard")
GROWTH_LIMIT = 1.3


def growth_report(runs: list[dict]) -> list[str]:
    first, last = runs[0], runs[-1]
    ratio_name = f"p95 × {last['scale']:g} / × {first['scale']:g}"
    lines = [
        "",
        f"## Growth: scale {first['scale']:g} to {last['scale']:g}",
        "",
        f"The same scenarios on the same database filled further. Goal: {ratio_name} ≤ {GROWTH_LIMIT} for the "
        "case lists, the person search, the case page and the dashboards.",
        "",
        f"| scenario | p95 at {first['scale']:g} | p95 at {last['scale']:g} | ratio | goal |",
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
    for step in ("rebuild", "refresh"):
        if first["rollups"] and last["rollups"]:
            a, b = first["rollups"][step]["wall"], last["rollups"][step]["wall"]
            lines.append(f"| roll-ups: {step} (wall, s) | {a:.2f} | {b:.2f} | {b / a:.2f} | |")
    if worst:
        lines += ["", f"Worst ratio among the goal's scenarios: {worst[0]:.2f} ({worst[1]})."]
    return lines


def report(runs: list[dict], args, started: str) -> str:
    lines = [f"# Benchmark, {started}", ""]
    if len(runs) == 1:
        lines += scale_report(runs[0], args, "Scale ")
    else:
        for run in runs:
            lines += [f"## Scale {run['scale']:g}", "", *scale_report(run, args, "Scale "), ""]
        lines += growth_report(runs)
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


def run_scale(scale: float, args, cache_url: str, dev_env: dict) -> dict:
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
    rows = scenarios(data)
    numbers = counts(env)
    log("probing queries and sizes")
    probe(rows, env)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port)
    try:
        cookies = {user: login(base, user) for user in {r.user for r in rows if r.user}}
        for row in rows:
            # The floor and every page compared with it (the cached public pages): best of the rounds alike.
            rounds = args.rounds if row.group == "floor" or row.goal == "cached" else 1
            results = []
            for _round in range(rounds):
                results.append(run_wrk(base, row, cookies.get(row.user, ""), args.duration, args.connections))
            row.result = best(results)
            log(
                f"{row.name}: {row.result['rps']:,.0f} req/s, p95 {row.result['p95']:.1f} ms, "
                f"{row.result['errors']} errors"
            )
        memory = worker_memory(server)
        log(f"workers' resident memory after the run: {', '.join(f'{mb:.0f} MB' for mb in memory)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"scale": scale, "rows": rows, "counts": numbers, "rollups": rollup_times, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument(
        "--growth",
        default=os.environ.get("BENCH_GROWTH", ""),
        help="scales to run one after the other in the same database, e.g. 1,3: the report compares them",
    )
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 4)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--skip-seed", action="store_true", help="use the data already in the database")
    parser.add_argument("--skip-rollups", action="store_true", help="do not time a rebuild and a refresh")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to an own PostgreSQL database (postgres://...).")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    scales = [float(x) for x in args.growth.split(",")] if args.growth else [args.scale]
    if scales != sorted(scales):
        sys.exit("--growth: the scales in increasing order (the database is filled further for each)")
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1")
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    dev_env = {**os.environ, "DEBUG": "1"}
    runs = [run_scale(scale, args, cache_url, dev_env) for scale in scales]
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
