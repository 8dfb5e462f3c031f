"""Fixtures every app's tests share: the three personas of the house style, and their windows.

- ``staff_cr``: staff of a window in Costa Rica (reads and changes that window's records);
- ``officer_cr``: a country officer of Costa Rica (reads every Costa Rican record, changes nothing);
- ``staff_pa``: staff of a window in Panama (must never see a Costa Rican record).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.factories import Role, UserFactory, WindowFactory, country, member

_password_only_login = Client.force_login


def verified_login(client: Client, user, backend: str | None = None) -> None:
    """Sign ``user`` in as after both steps of the login: the password and a second factor.

    The portal sends a session without a proven second factor to the code page (accounts.two_factor), so
    the tests' ``client.force_login`` does both steps (see ``_logins_pass_the_second_factor``); the
    security tests use ``password_only_login`` to check that the second step is required.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    _password_only_login(client, user, backend)
    device = StaticDevice.objects.filter(user=user, name="tests").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _logins_pass_the_second_factor(monkeypatch):
    monkeypatch.setattr(Client, "force_login", verified_login)


@pytest.fixture
def password_only_login():
    """Sign a user in with the password step only, as a stolen password would."""
    return _password_only_login


def pytest_collection_modifyitems(items):
    """With several test processes (pytest-xdist, `make test`), the tests that start Celery workers on the one
    Redis broker run in the same process, one after the other: two workers on one queue would take each
    other's tasks."""
    for item in items:
        if item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))


def _threads_left() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]


# The access matrix's count of requests (tests/security), gathered from every test process.
ACCESS_MATRIX: dict = {"runs": [], "patterns": 0}


def _access_matrix_of_this_process() -> dict | None:
    module = sys.modules.get("tests.security.test_access_matrix")
    if module is None or not module.CASES_RUN:
        return None
    return {"runs": list(module.CASES_RUN), "patterns": len(module.url_patterns())}


def pytest_testnodedown(node, error):
    found = getattr(node, "workeroutput", {}).get("access_matrix")
    if found:
        ACCESS_MATRIX["runs"] += found["runs"]
        ACCESS_MATRIX["patterns"] = found["patterns"]


def pytest_terminal_summary(terminalreporter) -> None:
    found = _access_matrix_of_this_process() or ACCESS_MATRIX
    if found["runs"]:
        terminalreporter.write_line(
            f"access matrix: {sum(found['runs'])} requests ({len(found['runs'])} personas x GET/POST x "
            f"{found['patterns']} URL patterns)"
        )


def pytest_sessionfinish(session, exitstatus):
    """A thread a test left waiting keeps the process alive after the run: fail loudly instead of hanging."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["access_matrix"] = _access_matrix_of_this_process()
    left = _threads_left()
    if left:
        frames = sys._current_frames()
        for thread in left:
            sys.stderr.write(f"\nthread left running after the tests: {thread.name}\n")
            sys.stderr.write(
                "".join(traceback.format_stack(frames.get(thread.ident))) if thread.ident in frames else ""
            )
        session.config._threads_left = True


def pytest_unconfigure(config):
    if getattr(config, "_threads_left", False):
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(1)


# The browser tests (tests/e2e/) start a server and Chromium: they run when asked for (`make e2e`, CI).
collect_ignore = [] if os.environ.get("E2E") else ["e2e"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: limits counted in it (public forms) never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cr(db):
    return country("CR")


@pytest.fixture
def pa(db):
    return country("PA")


@pytest.fixture
def window_cr(cr):
    return WindowFactory(country=cr, name="Ventanilla San José", slug="san-jose", city="San José")


@pytest.fixture
def window_cr2(cr):
    return WindowFactory(country=cr, name="Ventanilla Upala", slug="upala", city="Upala")


@pytest.fixture
def window_pa(pa):
    return WindowFactory(country=pa, name="Ventanilla Panamá", slug="panama", city="Ciudad de Panamá")


@pytest.fixture
def staff_cr(window_cr):
    user = UserFactory(username="staff_cr")
    member(user, Role.WINDOW_STAFF, window=window_cr)
    return user


@pytest.fixture
def officer_cr(cr, window_cr):
    user = UserFactory(username="officer_cr")
    member(user, Role.COUNTRY_OFFICER, country_obj=cr)
    return user


@pytest.fixture
def staff_pa(window_pa):
    user = UserFactory(username="staff_pa")
    member(user, Role.WINDOW_STAFF, window=window_pa)
    return user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_cr_client(staff_cr):
    return _client_for(staff_cr)


@pytest.fixture
def officer_cr_client(officer_cr):
    return _client_for(officer_cr)


@pytest.fixture
def staff_pa_client(staff_pa):
    return _client_for(staff_pa)


@pytest.fixture
def celery_worker_process():
    """Start real Celery workers (other processes) on a queue of the test's own; all are stopped at the end.

    ``start(queue, env=None)`` returns the ``Popen``; ``env`` defaults to this process's environment with
    the test settings. The queues are purged afterwards so that the test leaves nothing behind in Redis.
    """
    started: list[tuple[subprocess.Popen, str]] = []

    def start(queue: str, env: dict | None = None) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-Q", queue]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"]
        env = env or {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)
        started.append((worker, queue))
        return worker

    yield start
    from portal.celery import app

    for worker, queue in started:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a test that activates another cannot leak it into the
    next one (reverse() and gettext outside a request read the active language)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tasks_in_process():
    """Tasks run in the test's process even where CI gives a broker (no worker runs there): for tests of what
    a task does, not of how it travels."""
    from portal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
