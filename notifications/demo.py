"""Demo data of the outbox: last month's report of Costa Rica and last quarter's regional report, built.

Sample content: the figures come from whatever sections the other apps register; verify before use.
"""

from __future__ import annotations

from django.utils import timezone

from ventanillas.models import Country

from . import services
from .models import Report
from .reports import previous_month, previous_quarter


def load(stdout=None) -> list[tuple[str, str]]:
    today = timezone.localdate()
    start, end = previous_month(today)
    wanted = []
    country = Country.objects.filter(code="CR").first()
    if country is not None:
        wanted.append((Report.Kind.MONTHLY, country, start, end))
    start, end = previous_quarter(today)
    wanted.append((Report.Kind.QUARTERLY, None, start, end))
    for kind, place, first, after in wanted:
        report, _created = services.request_report(kind=kind, country=place, period_start=first, period_end=after)
        if report.status != Report.Status.READY:
            services.build_report(report.pk)
    if stdout:
        stdout.write("  reports: see /es/staff/notifications/reports/ as officer-cr or regional")
    return []
