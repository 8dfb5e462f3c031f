"""Two roll-up rebuilds at once (two `rebuild_rollups` commands, or the nightly task beside one) leave the
figures a single rebuild gives: the PostgreSQL advisory lock makes the second wait. Without it both delete
the old slices before either commits and then both insert, doubling every figure (Costa Rica's
consultations read twice their number). Threads with their own connections stand for two processes;
SQLite serialises every writer and would prove nothing: skipped there."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client

from dashboards import rollups
from dashboards.models import DailyFact, PeriodUnique, UniqueFact
from tests.concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL advisory locks"),
]


def _snapshot() -> tuple:
    return (
        sorted(DailyFact.objects.values_list("country_id", "day", "indicator", "dimension", "value", "count")),
        UniqueFact.objects.count(),
        PeriodUnique.objects.count(),
    )


def test_two_rebuilds_at_once_give_the_figures_of_one(world, officer_cr, token_for):
    single = _snapshot()
    url = "/en/staff/dashboards/api/v1/countries/cr/consultations/?period=month&on=2025-03-01"
    # What the API publishes after one rebuild: 7 consultations, published rounded to base 5.
    published = Client().get(url, **token_for(officer_cr)).json()["period"]
    march = DailyFact.objects.filter(
        country__code="CR", indicator="consultations", dimension="", day__year=2025, day__month=3
    )
    assert march.aggregate(n=Sum("count"))["n"] == 7
    for _round in range(3):
        errors = run_together(lambda n: call_command("rebuild_rollups", stdout=open("/dev/null", "w")), 2)  # noqa: SIM115
        assert errors == []
        assert _snapshot() == single
    assert Client().get(url, **token_for(officer_cr)).json()["period"] == published


def test_a_refresh_beside_a_rebuild_doubles_nothing(world):
    single = _snapshot()
    errors = run_together(lambda n: rollups.rebuild() if n == 0 else rollups.refresh_changed(), 2)
    assert errors == []
    assert _snapshot() == single
