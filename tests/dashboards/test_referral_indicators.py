"""The referral loop on the dashboards: people referred (the numerator of the referral rate), referrals
answered by partners, and how many within a week (how fast partners answer), from the roll-ups."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case, Referral
from dashboards import figures, indicators, published, rollups
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


def _refer(case, partner, staff, sent: datetime, answered: datetime | None) -> None:
    Referral.objects.create(
        case=case, partner=partner, service="legal", status="accepted" if answered else "sent", sent_at=sent,
        status_changed_at=answered or sent, answered_at=answered, created_by=staff,
    )  # fmt: skip


@pytest.fixture
def referred(window_cr, staff_cr, cr):
    """Ten cases opened in March; six referrals answered in March after 1, 2, 3, 8, 10 and 20 days."""
    partner = PartnerOrganisation.objects.create(country=cr, name="Cruz Roja")
    cases = []
    for n in range(10):
        case = make_case(window_cr, staff_cr)
        Case.objects.filter(pk=case.pk).update(opened_at=_at(1 + n))
        cases.append(case)
    for case, waited in zip(cases, (1, 2, 3, 8, 10, 20), strict=False):
        _refer(case, partner, staff_cr, _at(2), _at(2 + waited))
    return cases, partner


def test_the_dashboard_shows_the_referral_rate_and_the_median_answer_time(referred, officer_cr_client):
    rollups.rebuild()
    response = officer_cr_client.get("/en/staff/dashboards/cr/?period=month&on=2025-03-01")
    summary = response.context["summary"]
    shown = {row.key: row.cells[0] for row in summary.rows}
    # Referrals per case: the published (rounded) referrals over the published cases opened.
    referrals, cases = shown["referrals"], shown["cases_opened"]
    assert cases == 10 and referrals in (0, 5, 10)
    assert shown["referral_rate"] == referrals / cases
    # Median of 1, 2, 3, 8, 10, 20 days: 5.5, from six answers (five are needed).
    assert shown["referral_answer_median"] == 5.5
    html = response.content.decode()
    assert "Referrals per case" in html and "Median time to answer a referral (days)" in html
    assert "5.5" in html


def test_a_median_of_fewer_than_five_answers_is_not_shown(referred, officer_cr_client):
    Referral.objects.filter(answered_at__gte=_at(10)).update(answered_at=None, status="sent")  # 3 answers left
    rollups.rebuild()
    assert figures.totals(["referral_answer_median"], None, *MARCH)["referral_answer_median"].sample == 3
    response = officer_cr_client.get("/en/staff/dashboards/cr/?period=month&on=2025-03-01")
    shown = {row.key: row.cells[0] for row in response.context["summary"].rows}
    assert shown["referral_answer_median"] is None
    row = next(r for r in response.context["summary"].rows if r.key == "referral_answer_median")
    assert row.cells[0] is None
    assert "backed by fewer than five answered referrals" in response.content.decode()


def test_no_rate_without_cases(cr):
    rollups.rebuild()
    found = published.totals(["referral_rate", "referral_answer_median"], [cr.pk], *MARCH)
    assert found == {"referral_rate": None, "referral_answer_median": None}
