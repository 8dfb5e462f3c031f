"""The dashboards' sections of the monthly and quarterly reports: the same indicators, the same roll-ups.

``notifications.reports`` suppresses integer counts itself; processing times withheld for want of ten
decisions arrive here as a text, so the report never shows a figure the dashboards would hide.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import figures, indicators, suppression
from .figures import Stat

SECTIONS = {
    "dashboards-windows": (_("Windows and cases"), ("consultations", "people_assisted", "cases_opened", "cases_closed",
                                                     "referrals")),
    "dashboards-regularization": (_("Regularization"), ("processes_started", "processes_submitted", "regularized",
                                                        "processes_denied", "processing_median", "processing_p90")),
    "dashboards-training": (_("Training"), ("enrolled", "trained", "sessions_held")),
    "dashboards-programme": (_("Programme"), ("beneficiaries",)),
}  # fmt: skip


def section(codes: tuple[str, ...]):
    def rows(country, start: date, end: date) -> list[tuple]:
        ids = [country.pk] if country is not None else None
        found = figures.totals(codes, ids, start, end)
        out = []
        for code in codes:
            value = found[code]
            if isinstance(value, Stat):
                shown = suppression.processing_figure(value.value, value.sample)
                value = shown if shown is not None else gettext("not shown (fewer than ten decisions)")
            else:
                value = suppression.suppress_count(value)
            out.append((indicators.get(code).name, value))
        return out

    return rows


def register() -> None:
    from notifications.reports import register_section

    for name, (title, codes) in SECTIONS.items():
        register_section(name, section(codes), title=title)
