"""Periodic work of the training app (scheduled in settings.CELERY_BEAT_SCHEDULE). Thin: call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="training.tasks.expire_offers")
def expire_offers() -> int:
    """Seat offers past their deadline go to the next person on the waitlist."""
    return services.expire_offers()


@shared_task(name="training.tasks.send_session_reminders")
def send_session_reminders() -> int:
    """Remind confirmed participants shortly before their session starts (once each)."""
    return services.send_session_reminders()
