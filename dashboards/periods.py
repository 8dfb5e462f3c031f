"""Periods of a dashboard: a month, a quarter, a year or custom dates, and the period before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"


def add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # the day after the last

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == QUARTER:
            return gettext("Quarter %(quarter)s of %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == YEAR:
            return str(self.start.year)
        return gettext("%(first)s to %(last)s") % {
            "first": date_format(self.start, "SHORT_DATE_FORMAT"),
            "last": date_format(self.last_day, "SHORT_DATE_FORMAT"),
        }

    def previous(self) -> Period:
        """The period just before, of the same kind and length."""
        if self.kind == MONTH:
            return Period(MONTH, add_months(self.start, -1), self.start)
        if self.kind == QUARTER:
            return Period(QUARTER, add_months(self.start, -3), self.start)
        if self.kind == YEAR:
            return Period(YEAR, self.start.replace(year=self.start.year - 1), self.start)
        return Period(CUSTOM, self.start - timedelta(days=self.days), self.start)

    def as_params(self) -> dict[str, str]:
        if self.kind == CUSTOM:
            return {"period": CUSTOM, "start": self.start.isoformat(), "end": self.last_day.isoformat()}
        return {"period": self.kind, "on": self.start.isoformat()}


def containing(kind: str, on: date) -> Period:
    """The month, quarter or year that contains ``on``."""
    if kind == MONTH:
        start = on.replace(day=1)
        return Period(MONTH, start, add_months(start, 1))
    if kind == QUARTER:
        start = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        return Period(QUARTER, start, add_months(start, 3))
    start = date(on.year, 1, 1)
    return Period(YEAR, start, date(on.year + 1, 1, 1))


def custom(first: date, last: date) -> Period:
    return Period(CUSTOM, first, last + timedelta(days=1))
