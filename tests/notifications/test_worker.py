"""The dispatch path through the real Redis broker and real workers, and a worker killed mid-batch.

Runs where CELERY_BROKER_URL points at Redis and the database is PostgreSQL (as in CI): the workers are
separate processes that need the committed test database, hence the transactional tests.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import Message
from notifications.services import enqueue
from notifications.tasks import dispatch_due
from portal.celery import app as celery_app

from .gateway import ACCOUNT, TOKEN, Gateway

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not BROKER.startswith("redis"), reason="needs CELERY_BROKER_URL pointing at Redis"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def gateway():
    server = Gateway().start()
    yield server
    server.stop()


@pytest.fixture
def worker_env(gateway, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("workers share the test database only on PostgreSQL")
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "NOTIFICATIONS_SMS_BACKEND": "notifications.providers.MessagesApiProvider",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_ACCOUNT": ACCOUNT,
        "SMS_GATEWAY_TOKEN": TOKEN,
        "SMS_FROM": "+15005550006",
        # Quiet hours off (the test may run at any hour) and a short lease so that the test need not wait.
        "QUIET_HOURS_START": "0",
        "QUIET_HOURS_END": "0",
        "NOTIFICATIONS_LEASE_SECONDS": "3",
        # E-mails to files the test reads (one file per connection of a worker).
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }


def emails_delivered(env: dict) -> Counter:
    """Message-ID (the outbox row's uuid) -> how many times it reached the mail backend."""
    folder = Path(env["TEST_EMAIL_FILE_PATH"])
    counts: Counter = Counter()
    for path in folder.glob("*") if folder.exists() else []:
        counts.update(re.findall(r"^Message-ID: <([0-9a-f-]{36})@", path.read_text(), flags=re.MULTILINE))
    return counts


def start_worker(env: dict, queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen, queue: str) -> None:
    if worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=30)
    # Drop the pokes nobody took, so that the test leaves nothing behind in Redis.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def wait_for(condition, timeout: float = 60, poke=None) -> None:
    """Poll ``condition`` (the workers are other processes); ``poke`` runs between polls."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        if poke:
            poke()
        time.sleep(0.5)


def queue_sms(count: int, *, emails_every: int = 0) -> list[Message]:
    """``count`` messages, SMS except every ``emails_every``-th, which is an e-mail."""
    later = timezone.now() + timedelta(hours=1)  # not due yet: no nudge goes to the default queue
    rows = []
    for n in range(count):
        email = emails_every and n % emails_every == emails_every - 1
        rows.append(
            enqueue(
                kind="fault-test",
                channel="email" if email else "sms",
                recipient=f"persona{n}@example.org" if email else f"+5068800{n:04d}",
                language="es",
                template="notifications/messages/plain",
                context={"subject": f"Asunto {n}", "body": f"Mensaje {n}"},
                due_at=later,
            )
        )
    Message.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    return rows


def test_a_due_message_is_sent_by_a_real_worker_through_redis(worker_env, gateway):
    (message,) = queue_sms(1)
    queue = f"notif-{uuid.uuid4().hex[:8]}"
    worker = start_worker(worker_env, queue)
    try:
        dispatch_due.apply_async(queue=queue)
        wait_for(lambda: Message.objects.get(pk=message.pk).status == "sent")
    finally:
        stop(worker, queue)
    assert gateway.deliveries[str(message.uuid)] == 1
    assert gateway.by_key[str(message.uuid)]["body"] == "Mensaje 0"


def test_killing_a_worker_mid_batch_loses_no_message_and_sends_none_twice(worker_env, gateway):
    messages = queue_sms(200, emails_every=4)  # 150 SMS and 50 e-mails, interleaved
    sms = [m for m in messages if m.channel == "sms"]
    emails = [m for m in messages if m.channel == "email"]
    # The 80th SMS reaches the gateway, and the worker is killed before it hears back: the row
    # stays "sending" although the gateway has it - the hardest moment to crash.
    gateway.hold_at = 80
    queue = f"notif-{uuid.uuid4().hex[:8]}"
    first = start_worker(worker_env, queue)
    try:
        dispatch_due.apply_async(queue=queue)
        assert gateway.held.wait(timeout=60), "the first worker never reached the 80th message"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first, queue)
    gateway.release.set()
    assert 80 <= len(gateway.by_key) < 150
    assert Message.objects.filter(status="sending").exists()
    sent_by_the_first = emails_delivered(worker_env)
    assert sent_by_the_first and set(sent_by_the_first.values()) == {1}

    second = start_worker(worker_env, queue)
    try:
        wait_for(
            lambda: Message.objects.filter(status="sent").count() == 200,
            timeout=90,
            poke=lambda: dispatch_due.apply_async(queue=queue),
        )
    finally:
        stop(second, queue)

    assert len(gateway.by_key) == 150
    assert set(gateway.deliveries.values()) == {1}  # every SMS handed on exactly once
    assert {str(m.uuid) for m in sms} == set(gateway.deliveries)
    assert gateway.duplicates >= 1  # the killed worker's last SMS was resent, and recognised
    # Every e-mail reached the mail server once: none was in the middle of its SMTP call at the kill, so
    # those the dead worker had claimed but not handed over were sent by the second worker, and none twice.
    mailed = emails_delivered(worker_env)
    assert set(mailed) == {str(m.uuid) for m in emails}
    assert set(mailed.values()) == {1}
    assert not Message.objects.exclude(status="sent").exists()
