"""Tasks of the outbox: thin wrappers around the services, each with soft and hard time limits.

Retries of a message live in its row (``due_at`` moves forward), never in Celery ETAs: a Redis broker
would hold long ETAs in the worker's memory and lose them or repeat them after a restart.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="notifications.dispatch_due",
    soft_time_limit=55,
    time_limit=75,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    max_retries=2,
    retry_backoff=True,
)
def dispatch_due() -> dict[str, int]:
    """Run by the beat every minute: send what is due. Safe to run twice or side by side."""
    return services.dispatch_due(budget_seconds=40)


@shared_task(
    name="notifications.send_message",
    soft_time_limit=30,
    time_limit=45,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    max_retries=2,
    retry_backoff=True,
)
def send_message(message_id: int) -> str | None:
    """Send one message at once if it is due and unclaimed (a nudge after queueing); else nothing."""
    return services.send_now(message_id)
