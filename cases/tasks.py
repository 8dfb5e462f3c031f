"""Background work of the cases app. Tasks are thin: they call a service."""

from __future__ import annotations

from celery import shared_task

from . import services
from .services import referrals


@shared_task(name="cases.anonymise_expired_cases", soft_time_limit=1800, time_limit=1900, ignore_result=True)
def anonymise_expired_cases() -> dict[str, int]:
    """Daily, on the beat: the retention run (closed cases, people with and without cases, the outbox, old
    search hashes in the audit log, and the steps other apps register in ``privacy.retention``: training
    participants), each past its period. Returns and audits what it anonymised.

    Running it twice does no harm: rows already anonymised are skipped.
    """
    return services.run_retention()


@shared_task(name="cases.remind_unanswered_referrals", soft_time_limit=300, time_limit=330, ignore_result=True)
def remind_unanswered_referrals() -> int:
    """Hourly, on the beat: remind the partner and the clerk of referrals left unanswered (once each)."""
    return referrals.remind_unanswered_referrals()
