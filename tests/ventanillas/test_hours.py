from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from ventanillas.hours import opening_status

CR = ZoneInfo("America/Costa_Rica")


def hours(*rows):
    return [SimpleNamespace(weekday=d, opens=o, closes=c) for d, o, c in rows]


WEEK = hours(*[(d, time(8), time(12)) for d in range(5)], *[(d, time(13), time(16)) for d in range(5)])


def test_it_is_open_inside_an_interval_and_says_until_when():
    status = opening_status(WEEK, [], datetime(2026, 11, 30, 9, 15, tzinfo=CR))  # a Monday
    assert status.is_open
    assert status.closes_at == datetime(2026, 11, 30, 12, 0, tzinfo=CR)


def test_over_lunch_it_is_closed_and_opens_the_same_day():
    status = opening_status(WEEK, [], datetime(2026, 11, 30, 12, 30, tzinfo=CR))
    assert not status.is_open
    assert status.opens_at == datetime(2026, 11, 30, 13, 0, tzinfo=CR)


def test_at_closing_time_it_is_closed():
    status = opening_status(WEEK, [], datetime(2026, 11, 30, 16, 0, tzinfo=CR))
    assert not status.is_open
    assert status.opens_at == datetime(2026, 12, 1, 8, 0, tzinfo=CR)


def test_on_friday_evening_it_opens_on_monday():
    status = opening_status(WEEK, [], datetime(2026, 12, 4, 18, 0, tzinfo=CR))
    assert status.opens_at == datetime(2026, 12, 7, 8, 0, tzinfo=CR)


def test_a_holiday_closes_the_day_and_gives_the_reason():
    christmas = SimpleNamespace(first_day=date(2026, 12, 25), last_day=date(2026, 12, 25), reason="Navidad")
    status = opening_status(WEEK, [christmas], datetime(2026, 12, 25, 9, 0, tzinfo=CR))  # a Friday
    assert not status.is_open
    assert status.closed_today_because == "Navidad"
    assert status.opens_at == datetime(2026, 12, 28, 8, 0, tzinfo=CR)


def test_a_window_without_hours_never_opens():
    status = opening_status([], [], datetime(2026, 11, 30, 9, 0, tzinfo=CR))
    assert not status.is_open and status.opens_at is None


def test_wall_clock_hours_hold_across_a_daylight_saving_change():
    haiti = ZoneInfo("America/Port-au-Prince")  # Haiti moves its clocks on the second Sunday of March
    week = hours((0, time(8), time(16)))
    status = opening_status(week, [], datetime(2026, 3, 7, 12, 0, tzinfo=haiti))  # Saturday before the change
    assert status.opens_at == datetime(2026, 3, 9, 8, 0, tzinfo=haiti)
    assert status.opens_at.utcoffset().total_seconds() == -4 * 3600
