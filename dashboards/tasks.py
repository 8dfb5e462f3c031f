from __future__ import annotations

from celery import shared_task

from . import rollups


@shared_task(name="dashboards.refresh_rollups")
def refresh_rollups() -> dict[str, int]:
    """Recompute the roll-up slices touched since the last run (the beat runs it every few minutes)."""
    return rollups.refresh_changed()
