"""Reads of register imports for other rooms: the days whose figures an undone import changed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from .models import RegisterImport


def undone_days(since: datetime) -> dict[int, set[date]]:
    """{country id: days} of the imports undone since ``since``: their records are gone, so nothing else
    says which roll-up slices to recompute."""
    found: dict[int, set[date]] = defaultdict(set)
    for country_id, days in RegisterImport.objects.filter(undone_at__gte=since).values_list(
        "window__country_id", "days"
    ):
        found[country_id].update(date.fromisoformat(d) for d in days)
    return found
