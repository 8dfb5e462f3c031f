"""The referral loop on the dashboards: people referred (the numerator of the referral rate), referrals
answered by partners, and how many within a week (how fast partners answer), from the roll-ups."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import Referral
from dashboards import figures, indicators, rollups
from tests.cases.factories import make_case, make_person
from ventanillas.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 4, 1))
CR = ZoneInfo("America/Costa_Rica")


def _at(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 10, tzinfo=CR)


def test_referral_rate_and_answer_time_indicators(window_cr, staff_cr, cr):
    partner = PartnerOrganisation.objects.create(country=cr, name="Cruz Roja")
    person = make_person(window_cr, staff_cr)
    cases = [make_case(window_cr, staff_cr, person=person), make_case(window_cr, staff_cr)]
    # (case, sent, answered, status): one person referred twice, answers after 2 and 9 days, one unanswered
    for case, sent, answered, status in [
        (cases[0], _at(2), _at(4), "accepted"),
        (cases[0], _at(3), _at(12), "declined"),
        (cases[1], _at(20), None, "sent"),
        (cases[1], _at(28, 2), _at(1), "completed"),  # sent in February, answered in March
    ]:
        Referral.objects.create(
            case=case, partner=partner, service="legal", status=status, sent_at=sent,
            status_changed_at=answered or sent, answered_at=answered, created_by=staff_cr,
        )  # fmt: skip
    rollups.rebuild()

    found = figures.totals(["referrals", "people_referred", "referrals_answered", "referrals_answered_in_a_week"],
                           [cr.pk], *MARCH)  # fmt: skip

    assert found["referrals"] == 3
    assert found["people_referred"] == 2  # each person once
    assert found["referrals_answered"] == 3  # answered in March, whenever sent
    assert found["referrals_answered_in_a_week"] == 2  # after 2 days, and after 1 (from February)
    for code in ("people_referred", "referrals_answered", "referrals_answered_in_a_week"):
        assert indicators.get(code).group == "cases"
