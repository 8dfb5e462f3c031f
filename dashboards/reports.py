"""The dashboards' sections of the monthly and quarterly reports: the same indicators, the same published
(rounded) figures as the dashboard of the same place and period, so a report equals its dashboard on the
day it is built. The regional report adds the countries compared, as on the regional dashboard."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from . import figures, indicators, published, tables
from .periods import CUSTOM, Period

SECTIONS = {
    "dashboards-windows": (_("Windows and cases"), ("consultations", "people_assisted", "cases_opened", "cases_closed",
                                                     "referrals", "people_referred", "referrals_answered",
                                                     "referrals_answered_in_a_week", "referral_rate",
                                                     "referral_answer_median", "status_lookups",
                                                     "handovers_sent", "handovers_received")),
    "dashboards-regularization": (_("Regularization"), ("processes_started", "processes_submitted", "regularized",
                                                        "processes_denied", "processing_median", "processing_p90")),
    "dashboards-training": (_("Training"), ("enrolled", "trained", "sessions_held")),
    "dashboards-programme": (_("Programme"), ("beneficiaries",)),
}  # fmt: skip


def section(codes: tuple[str, ...]):
    def rows(country, start: date, end: date) -> list[tuple]:
        ids = [country.pk] if country is not None else None
        with figures.memo():
            found = published.totals(codes, ids, start, end)
        return [(indicators.get(code).name, found[code]) for code in codes]

    return rows


def countries_section(country, start: date, end: date) -> list[tuple]:
    """The regional report's table: one row per country and the region's total, as on the dashboard."""
    from ventanillas.models import Country

    if country is not None:
        return []
    with figures.memo():
        table = tables.countries(list(Country.objects.all()), Period(CUSTOM, start, end))
    return [(row.label, *row.cells) for row in [*table.rows, table.total]]


def register() -> None:
    from notifications.reports import register_section

    notes = (tables.PROTECTION_NOTE,)
    for name, (title, codes) in SECTIONS.items():
        register_section(name, section(codes), title=title, notes=notes)
    register_section(
        "dashboards-countries",
        countries_section,
        title=_("Countries compared"),
        columns=(_("Country"), *(indicators.get(code).name for code in tables.REGIONAL_COLUMNS)),
        notes=notes,
        regional_only=True,
    )
