"""Every change of an enrolment's status, the seats it holds, and the waitlist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Message
from training import services
from training.messages import enrolment_id_from_token
from training.models import Attendance, Certificate, Enrolment, Participant, Session, Status

from .conftest import outbox, person
from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def test_public_enrolment_waits_for_the_email_and_sends_the_link(session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    assert enrolment.status == Status.PENDING
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert outbox() == [("confirm_email", "persona1@ministerio.example")]
    assert "/training/e/" in Message.objects.get().context


def test_confirming_the_email_takes_a_seat_and_twice_changes_nothing(session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    services.confirm_email(enrolment=enrolment)
    services.confirm_email(enrolment=enrolment)
    refresh(enrolment, session)
    assert enrolment.status == Status.CONFIRMED
    assert session.seats_taken == 1
    assert [kind for kind, _to in outbox()] == ["confirm_email", "confirmed"]


def test_one_participant_per_email_whatever_the_case(session, cr):
    services.request_enrolment(session=session, data=person(1, cr))
    other = SessionFactory(country=cr)
    services.request_enrolment(session=other, data=person(1, cr, email="PERSONA1@ministerio.EXAMPLE"))
    assert Participant.objects.count() == 1
    assert Participant.objects.get().email == "persona1@ministerio.example"


def test_the_database_refuses_two_participants_with_one_email(cr):
    Participant.objects.create(email="a@b.example", name="A", sector="media", sex="male", country=cr, language="es")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(email="A@B.example", name="A", sector="media", sex="male", country=cr, language="es")


def test_a_duplicate_enrolment_changes_nothing_and_mails_the_personal_link(session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    services.confirm_email(enrolment=enrolment)
    again = services.request_enrolment(session=session, data=person(1, cr, name="Somebody Else"))
    assert again.pk == enrolment.pk
    refresh(enrolment, session)
    assert enrolment.status == Status.CONFIRMED and session.seats_taken == 1
    assert enrolment.participant.name == "Persona 1"  # the public form never overwrites a person's details
    assert Enrolment.objects.count() == 1
    note = Message.objects.get(kind="training.already_enrolled")
    assert note.recipient == "persona1@ministerio.example"
    # The personal link is signed with a timestamp: check that it opens this enrolment, not its exact text.
    token = re.search(r"/training/e/([^/\"]+)/", note.context).group(1)
    assert enrolment_id_from_token(token) == enrolment.pk
    assert "Confirmada" in note.context  # the status, in the participant's language
    for _n in range(3):  # asked again and again: no more mail that day
        services.request_enrolment(session=session, data=person(1, cr))
    assert Message.objects.filter(kind="training.already_enrolled").count() == 1


def test_the_already_enrolled_note_goes_at_most_once_an_hour(session, cr):
    services.request_enrolment(session=session, data=person(1, cr))
    for _attempt in range(3):
        services.request_enrolment(session=session, data=person(1, cr))
    assert outbox("already_enrolled") == [("already_enrolled", "persona1@ministerio.example")]


def test_a_cancelled_person_may_enrol_again(session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    services.cancel_enrolment(enrolment=enrolment)
    again = services.request_enrolment(session=session, data=person(1, cr))
    assert again.pk == enrolment.pk
    assert again.status == Status.PENDING


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_on": dt.date(2020, 1, 6), "ends_on": dt.date(2020, 1, 8)},
        {"enrolment_closes_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
        {"enrolment_opens_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["past", "closed", "not-yet-open"],
)
def test_a_closed_or_past_session_refuses_enrolment(session, cr, changes):
    Session.objects.filter(pk=session.pk).update(**changes)
    session.refresh_from_db()
    with pytest.raises(services.TrainingError, match="closed"):
        services.request_enrolment(session=session, data=person(1, cr))
    assert not Enrolment.objects.exists()


def test_a_full_session_waitlists_in_order(cr, enrol):
    session = SessionFactory(country=cr, capacity=2)
    statuses = [enrol(session, n).status for n in range(4)]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_the_database_refuses_more_seats_than_the_capacity(cr):
    session = SessionFactory(country=cr, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=2)


def test_a_freed_seat_is_offered_to_the_first_waitlisted_with_a_deadline(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first = enrol(session, 1)
    second, third = enrol(session, 2), enrol(session, 3)
    services.cancel_enrolment(enrolment=first)
    refresh(first, second, third, session)
    assert first.status == Status.CANCELLED
    assert second.status == Status.OFFERED
    assert third.status == Status.WAITLISTED
    assert second.offer_expires_at > timezone.now()
    assert session.seats_taken == 1
    assert outbox("offer") == [("offer", "persona2@ministerio.example")]


def test_an_offer_is_never_longer_than_the_enrolment_period(cr, enrol):
    session = SessionFactory(country=cr, capacity=1, starts_on=timezone.localdate() + dt.timedelta(days=1))
    first, second = enrol(session, 1), enrol(session, 2)
    services.cancel_enrolment(enrolment=first)
    second.refresh_from_db()
    assert second.offer_expires_at <= session.closes_at()


def test_accepting_an_offer_confirms_the_seat(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second = enrol(session, 1), enrol(session, 2)
    services.cancel_enrolment(enrolment=first)
    services.accept_offer(enrolment=second)
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED


def test_an_offer_cannot_be_accepted_after_its_deadline(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second = enrol(session, 1), enrol(session, 2)
    services.cancel_enrolment(enrolment=first)
    second.refresh_from_db()
    with pytest.raises(services.TrainingError, match="passed"):
        services.accept_offer(enrolment=second, now=second.offer_expires_at + dt.timedelta(minutes=1))


def test_an_expired_offer_moves_to_the_next_on_the_waitlist(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second, third = enrol(session, 1), enrol(session, 2), enrol(session, 3)
    services.cancel_enrolment(enrolment=first)
    second.refresh_from_db()
    later = second.offer_expires_at + dt.timedelta(minutes=1)
    assert services.expire_offers(now=later) == 1
    assert services.expire_offers(now=later) == 0
    refresh(second, third, session)
    assert second.status == Status.CANCELLED
    assert third.status == Status.OFFERED
    assert session.seats_taken == 1 == services.seats_in_use(session)


def test_an_offer_before_its_deadline_is_left_alone(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second = enrol(session, 1), enrol(session, 2)
    services.cancel_enrolment(enrolment=first)
    assert services.expire_offers() == 0
    second.refresh_from_db()
    assert second.status == Status.OFFERED


def test_declining_an_offer_passes_it_on(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second, third = enrol(session, 1), enrol(session, 2), enrol(session, 3)
    services.cancel_enrolment(enrolment=first)
    services.cancel_enrolment(enrolment=Enrolment.objects.get(pk=second.pk))
    third.refresh_from_db()
    assert third.status == Status.OFFERED


def test_leaving_the_waitlist_frees_no_seat(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    enrol(session, 1)
    waiting = enrol(session, 2)
    services.cancel_enrolment(enrolment=waiting)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_a_new_enrolment_never_jumps_the_waitlist(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, _second = enrol(session, 1), enrol(session, 2)
    services.cancel_enrolment(enrolment=first)  # the seat is now offered to the second
    assert enrol(session, 3).status == Status.WAITLISTED


def test_a_completed_enrolment_cannot_be_cancelled(cr, enrol):
    session = SessionFactory(country=cr, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    enrolment = enrol(session, 1)
    Session.objects.filter(pk=session.pk).update(finalised_at=timezone.now())
    with pytest.raises(services.TrainingError):
        services.cancel_enrolment(enrolment=enrolment)


def test_bulk_enrolment_is_idempotent(session, cr):
    first, new = services.enrol_verified(session=session, data=person(1, cr))
    again, new_again = services.enrol_verified(session=session, data=person(1, cr, name="Persona Uno"))
    assert (new, new_again) == (True, False)
    assert first.pk == again.pk
    assert Participant.objects.get().name == "Persona Uno"  # a trainer's list updates the details
    session.refresh_from_db()
    assert session.seats_taken == 1


# --- attendance, completion, certificates ---------------------------------------------------------------


@pytest.fixture
def ended(cr, trainer):
    """A five-day session that ended yesterday, with three confirmed participants."""
    today = timezone.localdate()
    return SessionFactory(
        country=cr,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today - dt.timedelta(days=1),
        trainers=[trainer],
        enrolment_closes_at=None,
    )


def _enrol_past(session, cr, n):
    """Enrolments made before the session started (the services refuse enrolment once it is over)."""
    participant = services.get_or_create_participant(person(n, cr))
    Session.objects.filter(pk=session.pk).update(seats_taken=session.seats_taken + 1)
    session.seats_taken += 1
    return Enrolment.objects.create(session=session, participant=participant, status=Status.CONFIRMED)


def test_attendance_present_turns_confirmed_into_attended(ended, cr, trainer):
    enrolment = _enrol_past(ended, cr, 1)
    day = ended.days[0]
    services.record_attendance(session=ended, day=day, marks={enrolment.pk: "present"}, by=trainer)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ATTENDED
    services.record_attendance(session=ended, day=day, marks={enrolment.pk: "absent"}, by=trainer)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED
    assert Attendance.objects.get().mark == "absent"


def test_attendance_refuses_a_day_outside_the_session_or_in_the_future(session, cr, trainer, enrol):
    enrolment = enrol(session, 1)
    with pytest.raises(services.TrainingError, match="session has begun"):
        services.record_attendance(session=session, day=session.starts_on, marks={enrolment.pk: "present"}, by=trainer)
    with pytest.raises(services.TrainingError, match="not one of"):
        services.record_attendance(
            session=session, day=session.ends_on + dt.timedelta(days=1), marks={enrolment.pk: "present"}, by=trainer
        )


def test_finalising_applies_the_course_rule_and_issues_certificates(ended, cr, trainer):
    good, weak, absent = (_enrol_past(ended, cr, n) for n in (1, 2, 3))
    marks_good = ["present", "present", "late", "present", "absent"]  # 4 of 5 = 80 %
    marks_weak = ["present", "absent", "excused", "absent", "absent"]  # 1 of 5
    for day, mark_good, mark_weak in zip(ended.days, marks_good, marks_weak, strict=True):
        services.record_attendance(
            session=ended, day=day, marks={good.pk: mark_good, weak.pk: mark_weak, absent.pk: "absent"}, by=trainer
        )
    counts = services.finalise_session(session=ended)
    refresh(good, weak, absent)
    assert (good.status, weak.status, absent.status) == (Status.COMPLETED, Status.ATTENDED, Status.NO_SHOW)
    assert counts == {"completed": 1, "attended": 1, "no_show": 1, "cancelled": 0}
    certificate = Certificate.objects.get()
    assert certificate.enrolment == good
    assert certificate.participant_name == "Persona 1"
    assert len(certificate.code) == 10
    assert outbox("certificate") == [("certificate", "persona1@ministerio.example")]
    assert certificate.code in Message.objects.get(kind="training.certificate").context
    with pytest.raises(services.TrainingError):
        services.finalise_session(session=ended)


def test_results_cannot_be_closed_before_the_last_day(session):
    with pytest.raises(services.TrainingError, match="last day"):
        services.finalise_session(session=session)


def test_finalising_cancels_the_waitlist_and_open_offers(ended, cr):
    waiting = Enrolment.objects.create(
        session=ended,
        participant=services.get_or_create_participant(person(9, cr)),
        status=Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    services.finalise_session(session=ended)
    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED


def test_revoking_a_certificate(ended, cr, trainer):
    enrolment = _enrol_past(ended, cr, 1)
    for day in ended.days:
        services.record_attendance(session=ended, day=day, marks={enrolment.pk: "present"}, by=trainer)
    services.finalise_session(session=ended)
    certificate = Certificate.objects.get()
    services.revoke_certificate(certificate=certificate, by=trainer, reason="Error de registro")
    certificate.refresh_from_db()
    assert not certificate.is_valid
    with pytest.raises(services.TrainingError, match="already revoked"):
        services.revoke_certificate(certificate=certificate, by=trainer, reason="otra vez")


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_once_to_confirmed_participants_of_a_session_starting_soon(cr, enrol):
    soon = SessionFactory(country=cr, starts_on=timezone.localdate() + dt.timedelta(days=1), capacity=1)
    confirmed = enrol(soon, 1)
    enrol(soon, 2)  # waitlisted: no reminder
    later = SessionFactory(country=cr, starts_on=timezone.localdate() + dt.timedelta(days=20))
    enrol(later, 3)
    assert services.send_session_reminders() == 1
    assert services.send_session_reminders() == 0
    assert outbox("reminder") == [("reminder", confirmed.participant.email)]
