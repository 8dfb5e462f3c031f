"""Demo data of the dashboards: the programme's regional targets and sample country targets (from
data/demo/dashboards.json), the roll-ups built from the demo records of cases and training (their loaders run
before this one), then the stored reports built from those roll-ups."""

from __future__ import annotations

from datetime import date

from ventanillas.models import Country
from ventanillas.reference import read_data

from . import rollups
from .models import Target


def load(stdout=None) -> list[tuple[str, str]]:
    data = read_data("demo/dashboards.json")
    regional, national = data["regional_targets"], data["country_targets"]
    for code, value in regional["values"].items():
        Target.objects.update_or_create(
            country=None, year=None, indicator=code, defaults={"value": value, "notes": regional["notes"]}
        )
    year = date.today().year
    for country_code, values in national["values"].items():
        country = Country.objects.filter(code=country_code).first()
        if country is None:
            continue
        for code, value in values.items():
            Target.objects.update_or_create(
                country=country, year=year, indicator=code, defaults={"value": value, "notes": national["notes"]}
            )
    written = rollups.rebuild()
    built = build_stored_reports()
    if stdout:
        stdout.write(f"dashboards: targets, {written} roll-up rows, {built} reports built from them\n")
    return []


def build_stored_reports() -> int:
    """Build the demo's reports that wait for the roll-ups, and a new version of any whose figures differ
    from today's (one built before the roll-ups read zeros); the older version is kept. Returns how many
    were built."""
    from notifications import demo as notifications_demo
    from notifications import services
    from notifications.models import Report

    built = 0
    for kind, country, first, _after in notifications_demo.wanted():
        report = Report.objects.filter(kind=kind, country=country, period_start=first).order_by("-version").first()
        if report is None:
            continue
        if report.status in (Report.Status.BUILDING, Report.Status.FAILED):
            if report.status == Report.Status.FAILED:
                report, _created = services.request_report(
                    kind=report.kind, country=report.country, period_start=report.period_start,
                    period_end=report.period_end,
                )  # fmt: skip
            services.build_report(report.pk)
            built += 1
        elif services.report_is_stale(report):
            new, created = services.rebuild_report(report=report)
            if created:
                services.build_report(new.pk)
                built += 1
    return built
