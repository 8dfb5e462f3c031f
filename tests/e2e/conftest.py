"""Browser tests: Debian's Chromium, driven by Playwright, against a live server on PostgreSQL.

The server is a real process (`manage.py runserver`) on a database of its own (the name of DATABASE_URL's
database + ``_e2e``), migrated and filled with the demo data once per run, so each page shows what a person
would see after `make demo`. Journeys change that data; they use their own records (made through the pages,
or with `django()` below) so that the order of the tests does not matter.

Screenshots go to ``$E2E_ARTIFACTS`` (default ``e2e-artifacts/``), which CI keeps.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "e2e-artifacts"))
PASSWORD = "ventanillas-demo"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The browser tests run on PostgreSQL: set DATABASE_URL=postgres://...")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_e2e"))


def _psql(admin_url: str, sql: str) -> None:
    subprocess.run(["psql", admin_url, "-qc", sql], check=True, capture_output=True)


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_env() -> dict:
    mail = Path(tempfile.mkdtemp(prefix="ventanillas-e2e-mail-"))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.e2e.server_settings",
        "DEBUG": "1",
        "E2E_MAIL_DIR": os.environ.get("E2E_MAIL_DIR", str(mail)),
    }
    env.pop("CELERY_BROKER_URL", None)  # messages are sent in-process: no worker to wait for
    return env


@pytest.fixture(scope="session")
def live_url(server_env) -> str:
    """The base URL of a running portal with the demo data, on a fresh PostgreSQL database."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's `chromium` package")
    if os.environ.get("E2E_URL"):  # a server already running on the _e2e database (while writing a test)
        yield os.environ["E2E_URL"]
        return
    db_url = server_env["DATABASE_URL"]
    name = urlsplit(db_url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(db_url)._replace(path="/postgres"))
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=server_env, check=True, capture_output=True)
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=server_env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/health/", timeout=2)  # noqa: S310
                break
            if server.poll() is not None:
                pytest.fail("The portal did not start")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        with contextlib.suppress(subprocess.CalledProcessError):
            _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def django(server_env):
    """Run a few lines of Python against the live server's database; returns what they print."""

    def run(code: str) -> str:
        """The code's last printed line is its answer."""
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=server_env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    return run


@pytest.fixture(scope="session")
def browser(live_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _context(browser, live_url, viewport, **extra):
    context = browser.new_context(
        base_url=live_url,
        viewport=viewport,
        is_mobile=viewport["width"] < 500,
        device_scale_factor=1,
        has_touch=viewport["width"] < 500,
        bypass_csp=True,  # axe is injected into the page; the portal's own pages are what we test
        **extra,
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone(browser, live_url):
    context = _context(browser, live_url, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_url):
    context = _context(browser, live_url, DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def new_context(browser, live_url):
    """Open a fresh browser context (its own cookies) at a viewport: ``new_context(PHONE)``."""
    opened = []

    def make(viewport=DESKTOP, **extra):
        context = _context(browser, live_url, viewport, **extra)
        opened.append(context)
        return context

    yield make
    for context in opened:
        with contextlib.suppress(Exception):
            context.close()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as a CI artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, language: str = "es") -> None:
    page.goto(f"/{language}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    # The second step, as a person does it on `make run`: a demo account's code page (DEBUG on) shows the
    # current code. A code works once: a second login within its 30 seconds waits for the next one.
    for _attempt in range(3):
        if "/accounts/two-factor/" not in page.url:
            break
        code = page.locator("main [role=note] strong").inner_text()
        page.fill("input[name=otp_token]", code)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/accounts/two-factor/" in page.url:
            page.wait_for_timeout(31_000)
            page.reload()
    assert "/accounts/two-factor/" not in page.url, f"{username} could not pass the second step"


@pytest.fixture(scope="session")
def demo(live_url, django) -> dict:
    """Ids and slugs of demo records that page paths need (see pages.py)."""
    from .pages import demo_ids

    return demo_ids(django)


@pytest.fixture(scope="session")
def staff_state(browser, live_url):
    """``staff_state(username)``: the cookies of a signed-in demo user, to open contexts already logged in."""
    states: dict[str, dict] = {}

    def state(username: str) -> dict:
        if username not in states:
            context = _context(browser, live_url, DESKTOP)
            page = context.new_page()
            login(page, username)
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return state


@pytest.fixture(scope="session")
def fetch(live_url, staff_state):
    """``fetch(path, user=None)``: a page's HTML as the server sends it (to a signed-in user's session), asked
    once per run: the modules that check pages share it."""

    @functools.cache
    def get(path: str, user: str | None = None) -> str:
        request = urllib.request.Request(live_url + path)  # noqa: S310
        if user:
            cookies = "; ".join(f"{c['name']}={c['value']}" for c in staff_state(user)["cookies"])
            request.add_header("Cookie", cookies)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert response.status == 200, path
            return response.read().decode()

    return get


@pytest.fixture(scope="session")
def mailbox(server_env):
    """``mailbox(address)``: the e-mails the portal sent to an address, newest last (as text)."""
    import email
    from email import policy

    def read(address: str) -> list[str]:
        found = []
        for path in sorted(Path(server_env["E2E_MAIL_DIR"]).glob("*.log"), key=lambda p: p.stat().st_mtime):
            for raw in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
                if not raw.strip():
                    continue
                message = email.message_from_string(raw.strip(), policy=policy.default)
                if address.lower() in (message["To"] or "").lower():
                    body = message.get_body(preferencelist=("plain",))
                    found.append(body.get_content() if body else message.get_payload())
        return found

    return read
