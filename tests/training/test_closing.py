"""Training closes when it is over: results only after the last day has ended (and after a confirmation
that shows who gets a certificate), attendance only for days that have begun, waitlisted people told, and
the public page saying so."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client

from tests.training.conftest import outbox
from tests.training.factories import SessionFactory
from training import services
from training.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_day(trainer, cr):
    """A session of one day, 08:00 to 12:00 in Costa Rica, today."""
    today = dt.datetime.now(cr.zoneinfo).date()
    return SessionFactory(
        trainers=[trainer], country=cr, starts_on=today, ends_on=today, start_time=dt.time(8), end_time=dt.time(12)
    )


def _local(session, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(session.starts_on, dt.time(hour, minute), tzinfo=session.country.zoneinfo)


def test_results_cannot_be_closed_before_the_last_day_has_ended(one_day):
    for early in (_local(one_day, 2, 50), _local(one_day, 11, 59)):
        with pytest.raises(services.TrainingError, match="last day has ended"):
            services.finalise_session(session=one_day, now=early)
    services.finalise_session(session=one_day, now=_local(one_day, 12))
    one_day.refresh_from_db()
    assert one_day.finalised_at


def test_attendance_only_for_a_day_that_has_begun(one_day, enrol, trainer):
    enrolment = enrol(one_day, 1)
    before = mock.patch("training.services.timezone.now", return_value=_local(one_day, 7, 59))
    with before, pytest.raises(services.TrainingError, match="session has begun"):
        services.record_attendance(session=one_day, day=one_day.starts_on, marks={enrolment.pk: "present"}, by=trainer)
    with mock.patch("training.services.timezone.now", return_value=_local(one_day, 8, 5)):
        assert (
            services.record_attendance(
                session=one_day, day=one_day.starts_on, marks={enrolment.pk: "present"}, by=trainer
            )
            == 1
        )


def test_people_still_waitlisted_are_told_the_session_is_over(one_day, enrol):
    one_day.capacity = 1
    one_day.save()
    enrol(one_day, 1)
    waiting = enrol(one_day, 2)
    assert waiting.status == Status.WAITLISTED
    services.finalise_session(session=one_day, now=_local(one_day, 13))
    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED
    assert outbox("session_over") == [("session_over", "persona2@ministerio.example")]


def test_the_public_page_says_the_session_is_over(one_day, enrol):
    one_day.capacity = 1
    one_day.save()
    enrol(one_day, 1)
    client = Client()
    with mock.patch("django.utils.timezone.now", return_value=_local(one_day, 12, 30)):
        html = client.get(f"/en/training/sessions/{one_day.pk}/").content.decode()
    assert "This session is over." in html and "The session is over." in html
    assert "waitlist" not in html


def test_the_confirmation_lists_who_gets_a_certificate_and_closes_nothing(trainer_client, one_day, enrol, trainer):
    present, absent = enrol(one_day, 1), enrol(one_day, 2)
    with mock.patch("training.services.timezone.now", return_value=_local(one_day, 9)):
        services.record_attendance(
            session=one_day, day=one_day.starts_on, marks={present.pk: "present", absent.pk: "absent"}, by=trainer
        )
    # The session is over (its last day ended); the clock itself is left alone, so the trainer's session,
    # started at the real time, does not expire at a mocked 12:30 that lies hours ahead.
    with mock.patch("training.models.Session.is_over", return_value=True):
        page = trainer_client.get(f"/en/training/staff/sessions/{one_day.pk}/finalise/").content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.index("Persona 1") < rows.index("<strong>Certificate</strong>") < rows.index("Persona 2")
    assert "Did not come: no certificate" in rows
    one_day.refresh_from_db()
    assert one_day.finalised_at is None
