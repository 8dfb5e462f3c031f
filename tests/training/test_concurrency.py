"""Capacity holds when many people enrol at the same moment (PostgreSQL: real row locks).

Each thread has its own database connection, so the enrolments really run in parallel transactions;
a barrier releases them together. SQLite serialises every writer and would prove nothing: skipped there.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.concurrency import run_together
from training import services
from training.models import Enrolment, Session, Status

from .conftest import person
from .factories import SessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

PEOPLE = 20
SEATS = 10
ROUNDS = 3


def _assert_ten_and_ten(session: Session) -> None:
    session.refresh_from_db()
    statuses = list(session.enrolments.values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == SEATS
    assert statuses.count(Status.WAITLISTED) == PEOPLE - SEATS
    assert session.seats_taken == SEATS == services.seats_in_use(session)
    # First come, first served: the waitlist is in the order the enrolments were made.
    waitlist = list(session.enrolments.waitlist().values_list("waitlisted_at", flat=True))
    assert waitlist == sorted(waitlist)


def test_twenty_simultaneous_enrolments_for_ten_seats_give_ten_confirmed_and_ten_waitlisted(cr):
    for round_ in range(ROUNDS):
        session = SessionFactory(country=cr, capacity=SEATS)

        def enrol(n: int, session=session, round_=round_) -> None:
            services.enrol_verified(session=session, data=person(round_ * 100 + n, cr))

        assert run_together(enrol, PEOPLE) == []
        _assert_ten_and_ten(session)


def test_twenty_simultaneous_email_confirmations_for_ten_seats(cr):
    for round_ in range(ROUNDS):
        session = SessionFactory(country=cr, capacity=SEATS)
        pending = [
            services.request_enrolment(session=session, data=person(1000 + round_ * 100 + n, cr)).pk
            for n in range(PEOPLE)
        ]

        def confirm(n: int, pending=pending) -> None:
            services.confirm_email(enrolment=Enrolment.objects.get(pk=pending[n]))

        assert run_together(confirm, PEOPLE) == []
        _assert_ten_and_ten(session)


def test_the_same_person_enrolling_twice_at_once_is_enrolled_once(cr):
    session = SessionFactory(country=cr, capacity=SEATS)

    def enrol(_n: int) -> None:
        services.enrol_verified(session=session, data=person(7, cr))

    assert run_together(enrol, 8) == []
    assert session.enrolments.count() == 1
    session.refresh_from_db()
    assert session.seats_taken == 1
