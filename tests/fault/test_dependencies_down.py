"""The portal under gunicorn with production settings while its dependencies fail, as a reader, a member of
staff and an operator see it (run by `.ci/fault`, which starts everything and gives the addresses here).

(a) Redis stopped: every kind of public page answers 200 at once (the circuit breaker: no request waits for
a time-out), the login and the second factor work, and a public enrolment posted meanwhile is kept with
its e-mail waiting in the outbox. Redis started again and frozen (it takes connections and answers nothing):
the pages and a form post still answer, no request held for long. (b) Redis back, the page cache warmed, PostgreSQL stopped: the cached
public pages are still served (those whose content changed just before, from their ended copy: stale rather
than nothing), everything else gets the translated, styled 503 (never a stack trace), and /health/ answers
503 naming the database. (c) Both back: the enrolment is there, its e-mail leaves once a
worker runs the dispatcher, and the login works again.

The tests run in order and share the state of the running portal.
"""

from __future__ import annotations

import os
import re
import secrets
import socketserver
import subprocess
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django_otp.oath import totp

BASE = os.environ.get("FAULT_URL", "")
CONTROL = os.environ.get("FAULT_CONTROL", "")
DATABASE = os.environ.get("FAULT_DATABASE", "")
SMTP_PORT = int(os.environ.get("FAULT_SMTP_PORT", "0"))
# The demo's published password and second-factor key (ventanillas/demo.py).
PASSWORD = "ventanillas-demo"
TOTP_KEY = bytes.fromhex("76656e74616e696c6c61732d64656d6f2d746f7470")
# A request that waited for Redis's time-outs and retries (the broker's, the cache's) would take longer; rendering
# a page takes well under a second, and this leaves room for a busy CI machine.
PROMPT = 5.0
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Pages made for each reader (a form with its own token): never a copy in the cache.
UNCACHED = ("/es/status/", "/es/accounts/login/")

STATE: dict[str, object] = {}


class Reader:
    """A browser behind the proxy: HTTPS as the proxy says it (X-Forwarded-Proto), its own cookies (sent
    although they are marked Secure, as the proxy's HTTPS would carry them), no redirect followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "Accept-Language": "es"}
        if method == "POST":
            headers |= {"Origin": BASE.replace("http://", "https://"), "Referer": BASE.replace("http://", "https://")}
        started = time.monotonic()
        response = self.http.request(
            method, BASE + path, headers=headers, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
        )
        response.elapsed_seconds = time.monotonic() - started
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path: str) -> requests.Response:
        return self._send("GET", path)

    def post(self, path: str, data: dict) -> requests.Response:
        return self._send("POST", path, data=data)

    def form_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return TOKEN.search(page.text).group(1)


def control(action: str) -> None:
    subprocess.run([CONTROL, action], check=True, timeout=60)


def public_pages() -> list[str]:
    """One address of every kind of public page, found from the portal's own links."""
    if "pages" not in STATE:
        home = Reader().get("/es/cr/").text
        guide = re.search(r'href="(/es/cr/guides/[\w-]+/)"', home).group(1)
        catalogue = Reader().get("/es/training/").text
        STATE["sessions"] = re.findall(r'href="(/es/training/sessions/\d+/)"', catalogue)
        STATE["pages"] = [
            "/es/",
            "/es/cr/",
            guide,
            "/es/cr/windows/",
            "/es/status/",
            "/es/training/",
            "/es/cr/faq/",
            "/es/cr/search/?q=residencia",
            "/es/accounts/login/",
        ]
    return STATE["pages"]


def sign_in(username: str) -> Reader:
    """The whole login as staff do it: the password, then the code of the second factor, then a staff page."""
    reader = Reader()
    token = reader.form_token("/es/accounts/login/")
    answer = reader.post(
        "/es/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    )
    assert answer.status_code == 302 and answer.elapsed_seconds < PROMPT, (username, answer.status_code)
    staff = reader.get("/es/staff/")
    assert staff.status_code == 302 and "/es/accounts/two-factor/" in staff.headers["Location"]
    second_factor = reader.get(staff.headers["Location"])
    assert second_factor.status_code == 200 and second_factor.elapsed_seconds < PROMPT
    token = TOKEN.search(second_factor.text).group(1)
    answer = reader.post(
        "/es/accounts/two-factor/", {"csrfmiddlewaretoken": token, "otp_token": f"{totp(TOTP_KEY):06d}"}
    )
    assert answer.status_code == 302, answer.status_code
    assert reader.get("/es/staff/").status_code == 200
    return reader


class Mailbox(socketserver.ThreadingTCPServer):
    """The smallest SMTP server that takes mail: what the portal's mail server would receive."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.received: list[str] = []
        super().__init__(("127.0.0.1", port), SmtpSession)


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 mailbox ready")
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").strip().split(" ")[0].upper()
            if verb == "DATA":
                self.reply("354 end with a dot")
                lines = []
                while (part := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(part.decode("utf-8", "replace"))
                self.server.received.append("".join(lines))
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


def rows(sql: str, *args) -> list[tuple]:
    with psycopg.connect(DATABASE, connect_timeout=5) as connection:
        return connection.execute(sql, args).fetchall()


pytestmark = pytest.mark.skipif(not BASE, reason="run by .ci/fault")


def test_a_with_redis_stopped_every_public_page_answers_at_once_and_the_login_works():
    pages = public_pages()
    control("stop-redis")
    for path in pages:
        for _ in range(2):  # the first after the failure and the next one
            response = Reader().get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert response.elapsed_seconds < PROMPT, (path, response.elapsed_seconds)
    staff = sign_in("staff-cr")
    assert staff.get("/es/staff/cases/").status_code == 200
    health = Reader().get("/health/")
    assert health.status_code == 503
    assert health.json()["cache"].startswith("unavailable") and health.json()["broker"].startswith("unavailable")
    assert health.json()["database"] == "ok"


def enrol() -> tuple[str, requests.Response]:
    """Enrol a new address in the first session open for it, from its public page; the address and the answer."""
    address = f"fault-{secrets.token_hex(4)}@example.org"
    reader = Reader()
    for session in STATE["sessions"]:
        page = reader.get(session)
        if 'name="consent"' not in page.text:
            continue  # full or closed: no form
        country = re.search(r'<option value="(\d+)" selected', page.text).group(1)
        answer = reader.post(
            session,
            {
                "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
                "name": "Ana Fault",
                "email": address,
                "sector": "government",
                "country": country,
                "sex": "female",
                "language": "es",
                "consent": "on",
            },
        )
        return address, answer
    pytest.fail("no training session open for enrolment")


def test_a_public_enrolment_posted_while_redis_is_down_is_kept_and_its_email_waits():
    public_pages()
    enrolments = rows("SELECT count(*) FROM training_enrolment")[0][0]
    address, answer = enrol()
    assert answer.status_code == 302 and answer.elapsed_seconds < PROMPT, (answer.status_code, answer.elapsed_seconds)
    assert rows("SELECT count(*) FROM training_enrolment")[0][0] == enrolments + 1
    waiting = rows("SELECT status FROM notifications_message WHERE channel = 'email' ORDER BY id DESC LIMIT 1")
    assert waiting == [("scheduled",)]
    STATE["addresses"] = [address]


def test_a_redis_that_stops_answering_holds_no_request_for_long():
    """Redis frozen (SIGSTOP): connections are taken and nothing comes back, as with a hung server or a lost
    network. Each process gives the cache up after its 0.5 s time-outs and stops asking for 10 s; a form that
    queues an e-mail waits at most the broker's socket time-outs, far below gunicorn's 30 s limit."""
    control("start-redis")
    control("freeze-redis")
    try:
        for path in public_pages():
            response = Reader().get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert response.elapsed_seconds < PROMPT, (path, response.elapsed_seconds)
        address, answer = enrol()
        assert answer.status_code == 302 and answer.elapsed_seconds < 15, (answer.status_code, answer.elapsed_seconds)
        STATE["addresses"].append(address)
    finally:
        control("thaw-redis")


def test_b_with_postgresql_stopped_cached_pages_are_served_and_the_rest_gets_the_styled_503():
    pages = public_pages()
    time.sleep(11)  # Redis answers again: the breaker of each gunicorn worker tries it again after 10 s
    cached = [path for path in pages if path not in UNCACHED]
    for path in cached:
        for _ in range(3):
            Reader().get(path)
        assert Reader().get(path).headers.get("X-Page-Cache") == "hit", path
    reader = Reader()
    token = reader.form_token("/fr/accounts/login/")
    # The list of countries changes just before the outage (as an administrator's edit would): the copies of
    # the pages that show it are no longer current, and cannot be made again until PostgreSQL is back.
    manage("from pagecache import changed; changed('countries')")
    control("stop-postgresql")
    for path in cached:
        response = Reader().get(path)
        assert response.status_code == 200, (path, response.status_code)
        expected = "stale" if path in ("/es/", "/es/training/") else "hit"
        assert response.headers["X-Page-Cache"] == expected, (path, response.headers["X-Page-Cache"])
        assert "no-store" in response.headers["Cache-Control"] or expected == "hit"
    for path in UNCACHED:  # pages that read nothing may still render; none answers 500
        assert Reader().get(path).status_code in (200, 503), path
    answers = [
        (Reader().get("/ht/cr/guides/no-copy-of-this-one/"), "Pòtay la pa disponib pou yon ti moman"),
        (Reader().get("/es/cr/guides/otra-sin-copia/"), "El portal no está disponible por un momento"),
        (
            reader.post("/fr/accounts/login/", {"csrfmiddlewaretoken": token, "username": "ana", "password": "x"}),
            "Le portail est momentanément indisponible",
        ),
    ]
    for response, heading in answers:
        assert response.status_code == 503, (response.url, response.status_code)
        assert response.headers["Retry-After"]
        assert heading in response.text and "/static/portal/site." in response.text
        assert "Traceback" not in response.text and "OperationalError" not in response.text
    health = Reader().get("/health/")
    assert health.status_code == 503
    assert health.json()["database"].startswith("unavailable") and health.json()["cache"] == "ok"


def test_c_once_both_are_back_nothing_was_lost():
    control("start-postgresql")
    for _ in range(30):
        if Reader().get("/health/").status_code == 200:
            break
        time.sleep(1)
    health = Reader().get("/health/")
    assert health.status_code == 200, health.text
    addresses = STATE.get("addresses")
    assert addresses and len(addresses) == 2, "the enrolments of (a) were not made"
    mailbox = Mailbox(SMTP_PORT)
    threading.Thread(target=mailbox.serve_forever, daemon=True).start()
    try:
        manage("from notifications.tasks import dispatch_due; dispatch_due()")  # a worker's run, as the beat asks
    finally:
        mailbox.shutdown()
        mailbox.server_close()
    for address in addresses:
        assert any(address in mail for mail in mailbox.received), (address, len(mailbox.received))
    sign_in("officer-cr")
    for path in public_pages():
        assert Reader().get(path).status_code == 200, path


def manage(code: str) -> None:
    """Run ``code`` in a process of the portal's own, with its settings."""
    env = {**os.environ, **portal_env(), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([".venv/bin/python", "manage.py", "shell", "-c", code], check=True, timeout=120, env=env)


def portal_env() -> dict[str, str]:
    """The running portal's settings (written by .ci/fault), for a process of its own."""
    lines = Path(os.environ["FAULT_ENV"]).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
