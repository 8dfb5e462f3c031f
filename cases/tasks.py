"""Background work of the cases app. Tasks are thin: they call a service."""

from __future__ import annotations

from celery import shared_task

from . import services
from .services import referrals


@shared_task(name="cases.anonymise_expired_cases", soft_time_limit=1800, time_limit=1900, ignore_result=True)
def anonymise_expired_cases() -> dict[str, int]:
    """Daily, on the beat: anonymise the closed cases past their country's retention period.

    Running it twice does no harm: rows already anonymised are skipped.
    """
    cases, people = services.anonymise_expired_cases()
    return {"cases": cases, "people": people}


@shared_task(name="cases.remind_unanswered_referrals", soft_time_limit=300, time_limit=330, ignore_result=True)
def remind_unanswered_referrals() -> int:
    """Hourly, on the beat: remind the partner and the clerk of referrals left unanswered (once each)."""
    return referrals.remind_unanswered_referrals()
