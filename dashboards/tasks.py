from __future__ import annotations

from contextlib import contextmanager

from celery import shared_task
from django.core.cache import cache

from . import rollups

LOCK_KEY = "dashboards:rollups:lock"


@contextmanager
def _exclusive(timeout: int):
    """One roll-up writer at a time: a refresh and the nightly rebuild replacing the same (country, day)
    slice at once could each delete the other's half-written rows. The lock lives in the shared cache
    (Redis in production); the loser skips its run, and the next run catches up."""
    acquired = cache.add(LOCK_KEY, "1", timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(LOCK_KEY)


@shared_task(name="dashboards.refresh_rollups", soft_time_limit=8 * 60, time_limit=9 * 60)
def refresh_rollups() -> dict[str, int]:
    """Recompute the roll-up slices touched since the last run (the beat runs it every few minutes)."""
    with _exclusive(timeout=10 * 60) as acquired:
        if not acquired:
            return {"countries": 0, "days": 0, "skipped": 1}
        return rollups.refresh_changed()


@shared_task(name="dashboards.rebuild_rollups", soft_time_limit=40 * 60, time_limit=45 * 60)
def rebuild_rollups() -> int:
    """Recompute every roll-up from the records, nightly: catches what the incremental refresh cannot see
    (edits in the Django admin that write no audit row, deleted rows)."""
    with _exclusive(timeout=45 * 60) as acquired:
        return rollups.rebuild() if acquired else 0
