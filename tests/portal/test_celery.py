"""A task through the real broker to a real worker (runs where CELERY_BROKER_URL is set, as in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from portal.tasks import ping

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def test_without_a_broker_tasks_run_in_process():
    if BROKER:
        assert not settings.CELERY_TASK_ALWAYS_EAGER
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER
        nonce = uuid.uuid4().hex
        assert ping.delay(nonce).get()["nonce"] == nonce


@pytest.mark.broker
@pytest.mark.skipif(not BROKER.startswith("redis"), reason="needs CELERY_BROKER_URL pointing at Redis")
def test_a_task_goes_through_redis_to_a_real_worker_and_back():
    queue = f"roundtrip-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
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
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    try:
        nonce = uuid.uuid4().hex
        answer = ping.apply_async(args=[nonce], queue=queue).get(timeout=60)
        assert answer["nonce"] == nonce
        assert answer["worker"]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
