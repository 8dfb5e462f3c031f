"""A small, fully known world for the dashboards: every expected figure below is counted by hand.

Costa Rica (America/Costa_Rica, UTC-6), March and April 2025:

- consultations: 7 at San José in March (4 women, 3 men), 2 at Upala in April; Panama: 3 in March;
- six people, each with one case opened on 10 March at San José: three Venezuelan women, three Haitian
  men (one with a disability); a seventh case opened on 31 March at 23:30 local time (05:30 UTC on
  1 April: it belongs to March), for a Venezuelan woman;
- two cases closed on 20 March;
- a process started on 11 March for each of the first six cases; five submitted on 15 March; three
  approved on 14 April (30 days) and one denied on 25 April (41 days);
- two referrals sent on 12 March (one sent, one accepted);
- one training session, 24-28 March, results closed: three completed (two government, one media),
  one no-show.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cases.models import (
    Case,
    CaseStatus,
    Consultation,
    Person,
    PersonVulnerability,
    Referral,
    RegularizationProcess,
    Stage,
)
from dashboards import rollups
from dashboards.models import ApiToken, Target
from tests.cases.factories import PathwayFactory
from tests.factories import Role, UserFactory, member
from tests.training.factories import ParticipantFactory, SessionFactory
from training.models import Enrolment
from ventanillas.models import PartnerOrganisation

CR_ZONE = ZoneInfo("America/Costa_Rica")
MARCH = {"period": "month", "on": "2025-03-01"}
APRIL = {"period": "month", "on": "2025-04-01"}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CR_ZONE)


@pytest.fixture
def regional(db):
    user = UserFactory(username="regional_officer")
    member(user, Role.REGIONAL_OFFICER)
    return user


@pytest.fixture
def regional_client(regional):
    client = Client()
    client.force_login(regional)
    return client


@pytest.fixture
def world(window_cr, window_cr2, window_pa, staff_cr):
    by = staff_cr
    for n in range(7):
        Consultation.objects.create(
            window=window_cr, date=date(2025, 3, 3 + n), sex="female" if n < 4 else "male", recorded_by=by
        )
    for n in range(2):
        Consultation.objects.create(window=window_cr2, date=date(2025, 4, 2 + n), sex="female", recorded_by=by)
    for n in range(3):
        Consultation.objects.create(window=window_pa, date=date(2025, 3, 5 + n), sex="male", recorded_by=by)

    pathway = PathwayFactory(country=window_cr.country)
    cases = []
    for n in range(7):
        woman = n < 3 or n == 6
        person = Person.objects.create(
            window=window_cr,
            given_names=f"Persona {n}",
            sex="female" if woman else "male",
            nationality="VE" if woman else "HT",
            age_group="30-59",
            created_by=by,
        )
        if n == 3:
            PersonVulnerability.objects.create(person=person, code="disability")
        opened = local(2025, 3, 31, 23, 30) if n == 6 else local(2025, 3, 10, 9, 0)
        cases.append(Case.objects.create(person=person, window=window_cr, opened_by=by, opened_at=opened))
    for case in cases[:2]:
        case.status, case.closed_at, case.close_reason = CaseStatus.CLOSED, local(2025, 3, 20, 15, 0), "resolved"
        case.save()
    outcomes = [Stage.APPROVED, Stage.APPROVED, Stage.APPROVED, Stage.DENIED, Stage.SUBMITTED, Stage.PREPARING]
    for case, stage in zip(cases[:6], outcomes, strict=True):
        process = RegularizationProcess(case=case, pathway=pathway, stage=stage, started_at=date(2025, 3, 11))
        if stage != Stage.PREPARING:
            process.submitted_at = date(2025, 3, 15)
        if stage == Stage.APPROVED:
            process.decided_at, process.approved = date(2025, 4, 14), True
        if stage == Stage.DENIED:
            process.decided_at, process.approved = date(2025, 4, 25), False
        process.save()
    partner = PartnerOrganisation.objects.create(country=window_cr.country, name="Cruz Roja")
    for case, status in zip(cases[:2], ["sent", "accepted"], strict=True):
        Referral.objects.create(
            case=case,
            partner=partner,
            service="legal",
            status=status,
            sent_at=local(2025, 3, 12, 10),
            status_changed_at=local(2025, 3, 12, 10),
            created_by=by,
        )
    session = SessionFactory(country=window_cr.country, starts_on=date(2025, 3, 24), ends_on=date(2025, 3, 28))
    session.finalised_at = local(2025, 3, 28, 18)
    session.save()
    for sector, status in [("government", "completed"), ("government", "completed"), ("media", "completed"),
                           ("media", "no_show")]:  # fmt: skip
        participant = ParticipantFactory(sector=sector, country=window_cr.country)
        Enrolment.objects.create(session=session, participant=participant, status=status)
    rollups.rebuild()
    return {"cases": cases, "pathway": pathway, "session": session, "partner": partner}


@pytest.fixture
def token_for():
    def issue(user) -> dict:
        _token, raw = ApiToken.issue(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return issue


# --- a year of many small counts, for the attacker (test_attacker.py) and the year's table (test_protected.py)

YEAR = 2025


@pytest.fixture
def small_world(window_cr, window_cr2, window_pa, staff_cr, cr, pa):
    rng = random.Random(2025)
    by = staff_cr
    windows = [window_cr, window_cr2, window_pa]
    nationalities = ["VE", "HT", "NI"]
    for window in windows:
        day = date(YEAR, 1, 1)
        while day.year == YEAR:
            for _n in range(rng.choice([0, 0, 1, 1, 2, 3])):
                Consultation.objects.create(
                    window=window, date=day, sex=rng.choice(["female", "male"]),
                    nationality=rng.choice(nationalities), age_group=rng.choice(["18-29", "30-59"]), recorded_by=by,
                )  # fmt: skip
            day += timedelta(days=rng.choice([3, 5, 9]))
    pathways = {cr.pk: PathwayFactory(country=cr), pa.pk: PathwayFactory(country=pa)}
    partners = {c.pk: PartnerOrganisation.objects.create(country=c, name=f"Socio {c.code}") for c in (cr, pa)}
    for n in range(30):
        window = windows[n % 3]
        person = Person.objects.create(
            window=window, given_names=f"Persona {n}", sex=rng.choice(["female", "male"]),
            nationality=rng.choice(nationalities), age_group=rng.choice(["18-29", "30-59"]), created_by=by,
        )  # fmt: skip
        if n % 7 == 0:
            PersonVulnerability.objects.create(person=person, code="disability")
        opened = local(YEAR, 1 + (n * 5) % 12, 1 + (n * 11) % 27, 10, 0)
        case = Case.objects.create(person=person, window=window, opened_by=by, opened_at=opened)
        if n % 5 == 1 and opened.month < 12:
            case.status, case.closed_at, case.close_reason = CaseStatus.CLOSED, opened + timedelta(days=20), "resolved"
            case.save()
        if n % 2 == 0:
            started = opened.date() + timedelta(days=3)
            stage = [Stage.APPROVED, Stage.DENIED, Stage.SUBMITTED, Stage.PREPARING][(n // 2) % 4]
            process = RegularizationProcess(case=case, pathway=pathways[window.country_id], stage=stage,
                                            started_at=started)  # fmt: skip
            if stage != Stage.PREPARING:
                process.submitted_at = started + timedelta(days=10)
            if stage in (Stage.APPROVED, Stage.DENIED):
                process.decided_at = started + timedelta(days=40 + n)
                process.approved = stage == Stage.APPROVED
                if process.decided_at.year != YEAR:
                    process.decided_at = date(YEAR, 12, 20)
            process.save()
        if n % 3 == 0:
            Referral.objects.create(
                case=case, partner=partners[window.country_id], service="legal", status="sent",
                sent_at=opened + timedelta(days=1), status_changed_at=opened + timedelta(days=1), created_by=by,
            )  # fmt: skip
    for place, month in ((cr, 3), (cr, 9), (pa, 6)):
        session = SessionFactory(country=place, starts_on=date(YEAR, month, 10), ends_on=date(YEAR, month, 12))
        session.finalised_at = local(YEAR, month, 12, 18)
        session.save()
        for k in range(rng.choice([2, 3, 4])):
            participant = ParticipantFactory(sector=rng.choice(["government", "media"]), country=place)
            Enrolment.objects.create(session=session, participant=participant,
                                     status="completed" if k else "no_show")  # fmt: skip
    Target.objects.create(country=cr, year=YEAR, indicator="consultations", value=200)
    Target.objects.create(country=None, year=None, indicator="regularized", value=100)
    rollups.rebuild()
