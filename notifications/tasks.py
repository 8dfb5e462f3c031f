"""Tasks of the outbox: thin wrappers around the services, each with soft and hard time limits.

Retries of a message live in its row (``due_at`` moves forward), never in Celery ETAs: a Redis broker
would hold long ETAs in the worker's memory and lose them or repeat them after a restart.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .delivery import send_message

__all__ = ["build_monthly_reports", "build_quarterly_report", "build_report", "dispatch_due", "send_message"]


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
    return services.dispatch_due(budget_seconds=40, pace=True)


@shared_task(name="notifications.build_report", soft_time_limit=300, time_limit=360, ignore_result=True)
def build_report(report_id: int) -> str:
    """Build one report's files and e-mail its readers; a ready report is left as it is."""
    return services.build_report(report_id)


@shared_task(name="notifications.resume_reports", soft_time_limit=60, time_limit=90, ignore_result=True)
def resume_reports() -> list[int]:
    """Run by the beat every few minutes: start again the reports asked for while the broker was down
    (or left behind by a worker that died). A report already being built is skipped by its lock."""
    ids = services.reports_to_resume()
    for report_id in ids:
        build_report.delay(report_id)
    return ids


@shared_task(name="notifications.build_monthly_reports", soft_time_limit=60, time_limit=90, ignore_result=True)
def build_monthly_reports() -> list[int]:
    """Run by the beat on the 1st: last month's report of every country, one build task each."""
    ids = services.schedule_monthly_reports(timezone.localdate())
    for report_id in ids:
        build_report.delay(report_id)
    return ids


@shared_task(name="notifications.build_quarterly_report", soft_time_limit=60, time_limit=90, ignore_result=True)
def build_quarterly_report() -> list[int]:
    """Run by the beat on the 1st of January, April, July and October: last quarter, whole region."""
    ids = services.schedule_quarterly_report(timezone.localdate())
    for report_id in ids:
        build_report.delay(report_id)
    return ids
