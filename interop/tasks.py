"""Sending figures to DHIS2 in the background: on schedule (the beat, on the 2nd of each month) and when an
administrator sends a period from the admin."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="interop.push_dhis2", soft_time_limit=10 * 60, time_limit=11 * 60)
def push_dhis2() -> dict[str, str]:
    """Send the month just ended (and the quarter and the year just ended) to DHIS2 in ``DHIS2_FORMAT`` (JSON or
    ADX): a dry run, then the import when the dry run is clean. Without DHIS2_URL and DHIS2_TOKEN it sends
    nothing."""
    if not services.configured():
        return {"skipped": "DHIS2 is not configured"}
    return {
        code: " / ".join(summary.status for summary in services.push(code))
        for code in services.due_periods(timezone.localdate())
    }


@shared_task(name="interop.push_period", soft_time_limit=10 * 60, time_limit=11 * 60)
def push_period(code: str, user_id: int | None = None, dry_run_only: bool = False, fmt: str | None = None) -> str:
    """Send one period, as an administrator asked in the admin (JSON or ADX; by default ``DHIS2_FORMAT``);
    the summaries are kept as for the schedule."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return " / ".join(summary.status for summary in services.push(code, user=user, dry_run_only=dry_run_only, fmt=fmt))
