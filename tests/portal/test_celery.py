"""A task through the real broker to a real worker (runs where CELERY_BROKER_URL is set, as in CI)."""

from __future__ import annotations

import os
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
def test_a_task_goes_through_redis_to_a_real_worker_and_back(celery_worker_process):
    queue = f"roundtrip-{uuid.uuid4().hex[:8]}"
    celery_worker_process(queue)
    nonce = uuid.uuid4().hex
    answer = ping.apply_async(args=[nonce], queue=queue).get(timeout=60)
    assert answer["nonce"] == nonce
    assert answer["worker"]
