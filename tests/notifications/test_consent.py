"""Consent is asked when a message is sent, not only when it is queued; withdrawing it cancels at once.
And the guarantee of e-mail: at most once, a message interrupted during the SMTP call waits for an operator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import reminders, services
from cases.models import Consent
from notifications import delivery
from notifications.models import Message
from notifications.services import claim_due, dispatch_due, enqueue
from tests.cases.factories import make_case, make_person, pathway_with_documents
from training import services as training
from training.messages import enrolment_token
from training.models import Participant
from training.services import ParticipantData

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(window_cr, staff_cr, cr):
    """A migrant who agreed to SMS, with an appointment tomorrow: the SMS reminder is queued and due."""
    person = make_person(window_cr, staff_cr, phone="8888 1234", consents=("processing", "contact_phone"))
    case = make_case(window_cr, staff_cr, person=person)
    process = services.start_process(case=case, pathway=pathway_with_documents(country=cr), by=staff_cr)
    services.book_appointment(
        process=process, at=timezone.now() + timedelta(hours=20), place="DGME", purpose="Huellas", by=staff_cr
    )
    reminders.run()
    sms = Message.objects.get(channel="sms")
    assert sms.status == "scheduled" and sms.addressee == f"cases.person:{person.pk}"
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))  # due now, whatever the hour
    return person, sms


def test_withdrawing_consent_cancels_the_queued_messages_at_once(reminded, staff_cr):
    person, sms = reminded
    services.withdraw_consent(person=person, kind="contact_phone", by=staff_cr)
    sms.refresh_from_db()
    assert sms.status == "cancelled"
    dispatch_due()
    sms.refresh_from_db()
    assert sms.status == "cancelled" and sms.sent_at is None
    # The staffer's reminder of the same appointment is not the person's: it still goes.
    assert Message.objects.get(channel="email").status == "sent"


def test_the_dispatcher_asks_consent_again_when_it_sends(reminded):
    """Consent withdrawn by any path after the message was queued: the dispatcher cancels, never sends."""
    person, sms = reminded
    Consent.objects.filter(person=person, kind="contact_phone").update(withdrawn_at=timezone.now())
    sms.refresh_from_db()
    assert sms.status == "scheduled"  # still queued: nothing cancelled it
    counts = dispatch_due()
    sms.refresh_from_db()
    assert sms.status == "cancelled" and sms.last_error == "no consent for this channel"
    assert counts.get("cancelled") == 1


def test_withdrawing_consent_to_processing_stops_every_message_to_the_person(reminded, staff_cr):
    person, sms = reminded
    services.withdraw_consent(person=person, kind="processing", by=staff_cr)
    sms.refresh_from_db()
    assert sms.status == "cancelled"
    reminders.run()  # the next scan queues nothing new for them
    assert not Message.objects.filter(addressee=sms.addressee, status="scheduled").exists()


def test_a_message_naming_a_person_of_a_kind_nobody_vouches_for_is_not_sent(window_cr):
    message = enqueue(
        kind="x",
        channel="email",
        recipient="a@example.org",
        language="es",
        template="notifications/messages/plain",
        context={"subject": "s", "body": "b"},
        addressee=window_cr,  # no app registered a consent check for windows
    )
    dispatch_due()
    message.refresh_from_db()
    assert message.status == "cancelled" and mail.outbox == []


def test_a_training_participant_who_unsubscribes_gets_nothing_more(client, cr):
    from tests.training.factories import SessionFactory

    session = SessionFactory(country=cr)
    data = ParticipantData(
        email="ana@ministerio.example", name="Ana", sector="government", sex="female", country_id=cr.pk, language="es"
    )
    enrolment, _new = training.enrol_verified(session=session, data=data)
    queued = Message.objects.filter(addressee=f"training.participant:{enrolment.participant_id}", status="scheduled")
    assert queued.exists()
    page = reverse("training:enrolment", kwargs={"token": enrolment_token(enrolment)})
    response = client.post(page, {"action": "unsubscribe"}, follow=True)
    assert response.status_code == 200
    assert not queued.exists()  # cancelled at once
    assert Participant.objects.get().unsubscribed_at is not None
    # A later message about the enrolment is queued for the record, but the dispatcher does not send it.
    training.send_session_reminders(now=session.starts_at() - timedelta(hours=20))
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    dispatch_due()
    assert Message.objects.filter(kind="training.reminder", status="cancelled").exists()
    assert mail.outbox == []
    assert not Message.objects.filter(status="sent").exists()


def test_an_email_interrupted_during_the_smtp_call_is_never_resent_without_an_operator(window_cr):
    message = enqueue(
        kind="x",
        channel="email",
        recipient="ana@example.org",
        language="es",
        template="notifications/messages/plain",
        context={"subject": "Cita", "body": "Mañana"},
    )
    (claimed,) = claim_due()
    # The worker handed the e-mail to the mail server and died before hearing back.
    Message.objects.filter(pk=claimed.pk).update(handed_at=timezone.now(), lease_until=datetime(2020, 1, 1, tzinfo=UTC))
    counts = dispatch_due()
    message.refresh_from_db()
    assert message.status == "stuck" and counts == {"stuck": 1}
    assert mail.outbox == []
    dispatch_due()  # and again: still not resent
    assert mail.outbox == []
    # The administrator checked: it did not arrive. Resent, once.
    assert delivery.resend_stuck([message.pk]) == 1
    dispatch_due()
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1


def test_an_email_whose_worker_died_before_the_smtp_call_is_sent_by_the_next(window_cr):
    message = enqueue(
        kind="x",
        channel="email",
        recipient="ana@example.org",
        language="es",
        template="notifications/messages/plain",
        context={"subject": "Cita", "body": "Mañana"},
    )
    claim_due()
    Message.objects.filter(pk=message.pk).update(lease_until=datetime(2020, 1, 1, tzinfo=UTC))
    dispatch_due()
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1
