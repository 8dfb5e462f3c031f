"""A small world every form of the portal can be posted to, with one user per persona, and a count of the
generated cases per form printed at the end of the run."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import Role, UserFactory, WindowFactory, country, member

GENERATED: Counter[str] = Counter()


def pytest_ignore_collect(collection_path, config):
    """The fuzz suite runs as its own step of `.ci/run` (FUZZ=1), not inside every `make test`."""
    if os.environ.get("FUZZ") != "1" and collection_path.name.startswith("test_"):
        return True
    return None


def pytest_terminal_summary(terminalreporter):
    if GENERATED:
        terminalreporter.write_sep("-", f"fuzz: {sum(GENERATED.values())} generated requests")
        for name, count in sorted(GENERATED.items()):
            terminalreporter.write_line(f"{count:6d}  {name}")


@pytest.fixture
def fuzz_world(db):
    from cases import services as cases
    from tests.cases.factories import PathwayFactory, make_case, make_person
    from tests.hub.factories import editor, guide
    from tests.training.factories import CourseFactory, SessionFactory
    from training.models import Enrolment
    from ventanillas.models import PartnerOrganisation

    cr = country("CR")
    window = WindowFactory(country=cr, name="Ventanilla San José", slug="san-jose", city="San José")
    staff = UserFactory(username="fuzz_staff")
    member(staff, Role.WINDOW_STAFF, window=window)
    officer = UserFactory(username="fuzz_officer")
    member(officer, Role.COUNTRY_OFFICER, country_obj=cr)
    regional = UserFactory(username="fuzz_regional")
    member(regional, Role.REGIONAL_OFFICER)
    trainer = UserFactory(username="fuzz_trainer")
    member(trainer, Role.TRAINER, country_obj=cr)
    person = make_person(window, staff)
    case = make_case(window, staff, person=person)
    process = cases.start_process(case=case, pathway=PathwayFactory(country=cr), by=staff)
    cases.record_consent(person=person, kinds=["share_partners"], notice_language="es", by=staff)
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr, services=["legal"])
    appointment = cases.book_appointment(
        process=process, at=timezone.now() + dt.timedelta(days=5), place="DGME", purpose="", by=staff
    )
    follow_up = cases.plan_follow_up(
        case=case, due_on=timezone.localdate() + dt.timedelta(days=3), assigned_to=staff, note="Llamar", by=staff
    )
    referral = cases.refer(case=case, partner=partner, service="legal", by=staff)
    course = CourseFactory(country=cr)
    session = SessionFactory(course=course, country=cr, capacity=5)
    session.trainers.add(trainer)
    from training.models import Participant

    participant = Participant.objects.create(
        email="ana@example.org", name="Ana", sector="government", sex="female", country=cr, language="es"
    )
    enrolment = Enrolment.objects.create(session=session, participant=participant, status="waitlisted")
    guide(cr)
    return {
        "cr": cr, "window": window, "person": person, "case": case, "process": process, "partner": partner,
        "appointment": appointment, "follow_up": follow_up, "referral": referral, "course": course,
        "session": session, "enrolment": enrolment,
        "users": {"staff": staff, "officer": officer, "regional": regional, "trainer": trainer,
                  "editor": editor(cr, "fr"), "anonymous": None},
    }  # fmt: skip


@pytest.fixture
def persona_client(fuzz_world):
    clients: dict[str, Client] = {}

    def get(persona: str) -> Client:
        if persona not in clients:
            client = Client()
            user = fuzz_world["users"][persona]
            if user is not None:
                client.force_login(user)
            clients[persona] = client
        return clients[persona]

    return get
