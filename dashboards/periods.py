"""Periods of a dashboard: a month, a quarter, a year, or a custom run of whole months, and the period before it.

Figures are published on a grid of whole months, quarters and years (``docs/disclosure-control.md``): a custom
period starts on the first day of a month and ends on the last day of a month, and its figures are those of
the grid periods it is made of (``pieces``), added up."""

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
            "first": date_format(self.start, "YEAR_MONTH_FORMAT"),
            "last": date_format(self.last_day, "YEAR_MONTH_FORMAT"),
        }

    def previous(self) -> Period:
        """The period just before, of the same kind and length."""
        if self.kind == MONTH:
            return Period(MONTH, add_months(self.start, -1), self.start)
        if self.kind == QUARTER:
            return Period(QUARTER, add_months(self.start, -3), self.start)
        if self.kind == YEAR:
            return Period(YEAR, self.start.replace(year=self.start.year - 1), self.start)
        months = months_between(self.start, self.end)
        return Period(CUSTOM, add_months(self.start, -months), self.start)

    def as_params(self) -> dict[str, str]:
        if self.kind == CUSTOM:
            return {"period": CUSTOM, "start": self.start.isoformat(), "end": self.last_day.isoformat()}
        return {"period": self.kind, "on": self.start.isoformat()}


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def on_grid(start: date, end: date) -> bool:
    """Whether [start, end) is a run of whole months: the only periods whose figures are published."""
    return start.day == 1 and end.day == 1 and end > start


def pieces(start: date, end: date) -> list[tuple[date, date]]:
    """A run of whole months cut into the fewest grid periods, earliest first: whole years where they fit,
    then whole quarters, then months. Raises ValueError for a period off the grid."""
    if not on_grid(start, end):
        raise ValueError(f"{start} to {end} is not a run of whole months")
    found, cursor = [], start
    while cursor < end:
        for months, fits in ((12, cursor.month == 1), (3, cursor.month % 3 == 1), (1, True)):
            step = add_months(cursor, months)
            if fits and step <= end:
                found.append((cursor, step))
                cursor = step
                break
    return found


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
