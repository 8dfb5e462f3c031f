"""The demo holds two handovers, one accepted and one waiting for its answer, and loading it again adds none."""

from __future__ import annotations

import pytest

from handovers import demo
from handovers.models import Handover, PairRule, Status
from tests.cases.factories import make_case
from tests.factories import Role, UserFactory, WindowFactory, country, member

pytestmark = pytest.mark.django_db


def test_the_demo_holds_one_accepted_and_one_pending_handover_and_loads_once():
    cr, pa = country("CR"), country("PA")
    windows = {
        "san-jose": WindowFactory(country=cr, slug="san-jose", name="Ventanilla San José"),
        "panama-ciudad": WindowFactory(country=pa, slug="panama-ciudad", name="Ventanilla Ciudad de Panamá"),
    }
    for slug, window in windows.items():
        clerk = UserFactory(username=f"clerk-{slug}")
        member(clerk, Role.WINDOW_STAFF, window=window)
        make_case(window, clerk)
    demo.load()
    demo.load()
    assert {(r.from_country.code, r.to_country.code) for r in PairRule.objects.all()} == {("CR", "PA"), ("PA", "CR")}
    handovers = {(h.from_window.slug, h.to_window.slug): h for h in Handover.objects.select_related("from_window")}
    assert len(handovers) == 2
    accepted = handovers[("san-jose", "panama-ciudad")]
    pending = handovers[("panama-ciudad", "san-jose")]
    assert accepted.status == Status.ACCEPTED and accepted.received_case.window == windows["panama-ciudad"]
    assert pending.status == Status.PENDING and pending.sharing
