"""Demo data of the outbox: last month's report of Costa Rica and last quarter's regional report.

Only asked for here: the figures come from the sections other apps register, and the dashboards' ones read
roll-ups that are built after this loader, so ``dashboards.demo`` builds (or rebuilds) these reports once
its roll-ups are in place. Sample content; verify before use.
"""

from __future__ import annotations

from django.utils import timezone

from ventanillas.models import Country

from . import services
from .models import Report
from .reports import previous_month, previous_quarter


def wanted() -> list[tuple[str, Country | None, object, object]]:
    """(kind, country, first day, day after the last) of the demo's reports."""
    today = timezone.localdate()
    found = []
    start, end = previous_month(today)
    country = Country.objects.filter(code="CR").first()
    if country is not None:
        found.append((Report.Kind.MONTHLY, country, start, end))
    start, end = previous_quarter(today)
    found.append((Report.Kind.QUARTERLY, None, start, end))
    return found


def load(stdout=None) -> list[tuple[str, str]]:
    for kind, place, first, after in wanted():
        services.request_report(kind=kind, country=place, period_start=first, period_end=after)
    if stdout:
        stdout.write("  reports: see /es/staff/notifications/reports/ as officer-cr or regional")
    return []
