from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import published, rollups, tables


def _warm() -> None:
    """The year tables of this year and the two before (a custom run of months ending this year and the run
    before it reach back that far), computed for the dashboards' next first view. Each year's table is kept
    until a writer changes that year's rows, so after a refresh of recent days only this year's is computed."""
    year = timezone.localdate().year
    published.warm([year - 2, year - 1, year])
    tables.warm_programme()  # and the targets' whole programme, which every dashboard shows


@shared_task(name="dashboards.refresh_rollups", soft_time_limit=8 * 60, time_limit=9 * 60)
def refresh_rollups() -> dict[str, int]:
    """Recompute the roll-up slices touched since the last run (the beat runs it every few minutes). One
    roll-up writer at a time, through a PostgreSQL advisory lock: while the nightly rebuild (or a
    ``rebuild_rollups`` command) runs, the refresh skips, and the next run catches up."""
    found = rollups.refresh_changed(wait=False)
    if found is None:
        return {"countries": 0, "days": 0, "skipped": 1}
    if found.get("days"):
        _warm()
    return found


@shared_task(name="dashboards.refresh_days", soft_time_limit=8 * 60, time_limit=9 * 60)
def refresh_days(country_id: int, days: list[str], final: bool = True) -> int:
    """Recompute the given local days of a country (ISO dates), as a register import writes or removes their
    records: its figures show as it goes, not at the beat's next refresh. Waits for another roll-up writer;
    at the end of a run the year tables are computed again for the dashboards' next first view."""
    written = rollups.refresh_days(country_id, {date.fromisoformat(d) for d in days})
    if final:
        _warm()
    return written


def days_changed(sender, *, country_id: int, days: set, final: bool, **kwargs) -> None:
    """Receiver of ``registers.signals.days_changed``: the days are recomputed by a task (in a worker, so
    the import goes on meanwhile; in the process itself without a broker)."""
    refresh_days.delay(country_id, sorted(d.isoformat() for d in days), final)


@shared_task(name="dashboards.rebuild_rollups", soft_time_limit=40 * 60, time_limit=45 * 60)
def rebuild_rollups() -> int:
    """Recompute every roll-up from the records, nightly: catches what the incremental refresh cannot see
    (edits in the Django admin that write no audit row, deleted rows). Skips if another writer runs."""
    written = rollups.rebuild(wait=False)
    if written is not None:
        _warm()
    return written or 0


@shared_task(name="dashboards.send_emergency_reports")
def send_emergency_reports() -> int:
    """Each emergency in force: its daily figures by e-mail to its officers (queued once a day per reader)."""
    from .emergency import send_daily_reports

    return send_daily_reports()
