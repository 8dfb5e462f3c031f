"""An attacker tries to undo the disclosure control, as an officer could (see docs/disclosure-control.md).

On a year of small counts in Costa Rica (two windows) and Panama, as the Costa Rica officer and the regional
officer, ``bench.attack`` reads every page, breakdown export, report and API answer of 2025's year, quarters
and months; sweeps custom periods through every source (runs of months nested, shifted and overlapping; every
run with ATTACK_FULL=1), each checked to be the sum of its grid pieces, and days off the grid, each refused;
then bounds every published count whose true value is 1 to 4 with a linear program. It fails on any count
narrowed below three values and on any count proved to be at least 1.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta

import pytest
from django.test import Client

from bench import attack
from tests.factories import Role

from .conftest import YEAR

pytest.importorskip("scipy.optimize")

pytestmark = pytest.mark.django_db


# --- the test ------------------------------------------------------------------------------------------------


@pytest.mark.timeout(1800)  # about three minutes of processor time
def test_no_published_combination_pins_down_a_count_from_one_to_four(small_world, cr, officer_cr, regional):
    runs = "full" if os.environ.get("ATTACK_FULL") == "1" else "sampled"
    found = attack.attack(cr, YEAR, officer=officer_cr, regional=regional, runs=runs)
    summary = found.summary()
    print(summary)
    for proof in found.existence + found.exposed:
        print("proved", proof)
    # One cell, one reading, wherever it was read (pages, exports, API, reports).
    assert not found.conflicts, found.conflicts[:5]
    assert not found.wrong, f"the attacker's model is wrong: {found.wrong[:5]}"
    assert found.checked > 100, summary
    assert not found.pinned, f"pinned down exactly: {found.pinned[:5]} ({summary})"
    assert not found.exposed, f"narrowed below three values: {found.exposed[:5]} ({summary})"
    # The cells of a year are chosen with the cells they add up from or to in view (region and countries, year,
    # quarters, months and weeks, rows and their total): no chain of them proves a small count non-zero.
    assert not found.existence, f"proved non-zero: {found.existence[:8]} ({summary})"


@pytest.fixture
def small_emergency():
    """Two weeks of a few households a day at three service points (0 to 2 a day each, of 1 to 5 people), each
    with none to three needs, some needs rare (drawn apart, so the households are the same whatever the needs)."""
    from emergencies import services
    from emergencies.models import Arrival
    from tests.emergencies.factories import declare, shelter
    from tests.factories import UserFactory, WindowFactory, country, member

    ht = country("HT")
    window = WindowFactory(country=ht, region="Ouest", slug="pap")
    emergency = declare(ht)
    points = [shelter(emergency, emergency.declared_by, name=f"Abri {n}") for n in range(3)]
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=window)
    rng = random.Random(22)
    needs_rng = random.Random(29)
    common, rare = ["food", "shelter", "health"], ["documents", "family", "protection", "information"]
    start = emergency.starts_at
    for day in range(14):
        for point in points:
            for _n in range(rng.choice([0, 0, 0, 1, 1, 2])):
                needs = needs_rng.sample(common, needs_rng.randint(0, 2))
                needs += [need for need in rare if needs_rng.random() < 0.08]
                data = {"household_size": rng.randint(1, 5), "language": "ht", "needs": needs}
                arrival = services.register_arrival(point=point, by=clerk, data=data)
                Arrival.objects.filter(pk=arrival.pk).update(registered_at=start + timedelta(days=day, hours=1))
    return emergency


def test_an_emergencys_figures_prove_no_small_count(small_emergency):
    client = Client()
    client.force_login(small_emergency.declared_by)
    checked, proved = attack.attack_emergency(client, small_emergency)
    print(f"emergency: {checked} counts of 1-4 checked, proved: {proved}")
    assert checked >= 10, checked
    assert not proved, proved


def test_an_emergencys_households_per_need_prove_no_small_count(small_emergency):
    client = Client()
    client.force_login(small_emergency.declared_by)
    checked, proved = attack.attack_emergency_needs(client, small_emergency)
    print(f"emergency needs: {checked} counts of 1-4 checked, proved: {proved}")
    assert checked >= 2, checked
    assert not proved, proved
