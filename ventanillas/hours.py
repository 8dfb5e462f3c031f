"""Is a window open now, and if not, when does it open? Computed in the country's own time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Closure, OpeningHours

LOOKAHEAD_DAYS = 21


def next_midnight(country, now: datetime | None = None) -> datetime:
    """The next start of a day in the country's zone (an aware datetime)."""
    local = (now or datetime.now(tz=country.zoneinfo)).astimezone(country.zoneinfo)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=country.zoneinfo)


def next_change(statuses: Iterable[OpeningStatus]) -> datetime | None:
    """The first moment one of these windows opens or closes: until then, "open now" reads the same."""
    return min((s.closes_at or s.opens_at for s in statuses if s.closes_at or s.opens_at), default=None)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    closed_today_because: str = ""


def _closure_on(day: date, closures: Iterable[Closure]) -> Closure | None:
    return next((c for c in closures if c.first_day <= day <= c.last_day), None)


def opening_status(hours: Iterable[OpeningHours], closures: Iterable[Closure], now: datetime) -> OpeningStatus:
    """The status at ``now``, an aware datetime already in the country's zone.

    Intervals are wall-clock times of that zone, so an interval on a day when the clocks change still
    opens at the time printed on the door.
    """
    tz = now.tzinfo
    hours = sorted(hours, key=lambda h: (h.weekday, h.opens))
    closures = list(closures)
    today_closure = _closure_on(now.date(), closures)
    for offset in range(LOOKAHEAD_DAYS):
        day = now.date() + timedelta(days=offset)
        if _closure_on(day, closures):
            continue
        for interval in (h for h in hours if h.weekday == day.weekday()):
            start = datetime.combine(day, interval.opens, tzinfo=tz)
            end = datetime.combine(day, interval.closes, tzinfo=tz)
            if start <= now < end:
                return OpeningStatus(is_open=True, closes_at=end)
            if start > now:
                return OpeningStatus(
                    is_open=False,
                    opens_at=start,
                    closed_today_because=today_closure.reason if today_closure else "",
                )
    return OpeningStatus(is_open=False, closed_today_because=today_closure.reason if today_closure else "")
