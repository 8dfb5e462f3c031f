"""Reads for the public window directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q

from .hours import OpeningStatus, opening_status
from .models import Closure, Country, InformationWindow, OpeningHours, Weekday

if TYPE_CHECKING:
    from datetime import time


@dataclass
class DayHours:
    weekday: int
    label: str
    intervals: list[tuple[time, time]]


@dataclass
class WindowCard:
    window: InformationWindow
    status: OpeningStatus
    week: list[DayHours]
    upcoming_closures: list[Closure]


def public_countries() -> list[Country]:
    return list(Country.objects.order_by("name"))


def window_directory(country: Country, now: datetime) -> list[WindowCard]:
    """The active windows of a country with their week and their status at ``now`` (any zone).

    Three queries whatever the number of windows: windows, their hours, the closures that matter.
    """
    local_now = now.astimezone(country.zoneinfo)
    today = local_now.date()
    windows = (
        InformationWindow.objects.filter(country=country, active=True)
        .select_related("country")  # each card links to the window's address, built from its country
        .prefetch_related(Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")))
        .order_by("city", "name")
    )
    closures = list(
        Closure.objects.filter(country=country, last_day__gte=today).filter(
            Q(window__isnull=True) | Q(window__in=windows)
        )
    )
    cards = []
    for window in windows:
        own = [c for c in closures if c.window_id in (None, window.pk)]
        hours = list(window.hours.all())
        week = []
        by_day = {day: list(rows) for day, rows in groupby(hours, key=lambda h: h.weekday)}
        for value, label in Weekday.choices:
            week.append(DayHours(value, label, [(h.opens, h.closes) for h in by_day.get(value, [])]))
        upcoming = [c for c in own if (c.first_day - today).days <= 30]
        cards.append(WindowCard(window, opening_status(hours, own, local_now), week, upcoming))
    return cards


@dataclass(frozen=True)
class Place:
    city: str
    region: str

    @property
    def label(self) -> str:
        return f"{self.city} ({self.region})" if self.region and self.region != self.city else self.city


def places(cards: list[WindowCard]) -> list[Place]:
    """The cities (with their department or province) that have a window, for the reader to pick."""
    return sorted(
        {Place(card.window.city, card.window.region) for card in cards}, key=lambda p: (p.region or p.city, p.city)
    )


def nearest_first(cards: list[WindowCard], city: str) -> list[WindowCard]:
    """The windows of the picked city first, then those of its department or province, then the others."""
    regions = {card.window.region for card in cards if card.window.city == city and card.window.region}

    def rank(card: WindowCard) -> int:
        if card.window.city == city:
            return 0
        return 1 if card.window.region in regions else 2

    return sorted(cards, key=rank)  # stable: the usual order within each group
