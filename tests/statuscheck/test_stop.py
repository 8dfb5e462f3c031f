"""STOP by SMS or WhatsApp, in the five languages: the channel's consent is withdrawn at once, what is queued
on it is cancelled, the number is stopped, and one confirmation goes through the outbox."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.models import AuditEntry, ConsentKind
from cases.rules import has_consent
from notifications.models import Message, StopEntry
from notifications.services import dispatch_due, enqueue
from statuscheck import optout
from tests.cases.factories import make_person
from tests.statuscheck import test_messages
from tests.statuscheck.test_messages import _post

pytestmark = pytest.mark.django_db

gateway = test_messages.gateway  # the stand-in gateway, as a fixture here too

NUMBER = "+50688884444"

KEYWORDS = {
    "en": ["STOP", "stop", "Stop!", "STOPALL", "unsubscribe", "Cancel", "END", "quit", "opt-out"],
    "es": ["BAJA", "baja.", "Alto", "PARAR", "cancelar", " Detener "],
    "fr": ["ARRÊT", "arret", "Arrêter", "DÉSABONNER", "desinscrire"],
    "nl": ["STOPPEN", "afmelden", "Uitschrijven"],
    "ht": ["SISPANN", "sispann!", "KANPE", "Dezabone"],
}


@pytest.fixture
def person(window_cr, staff_cr):
    return make_person(
        window_cr,
        staff_cr,
        consents=("processing", "contact_phone", "contact_whatsapp"),
        phone=NUMBER,
        whatsapp=NUMBER,
        preferred_language="fr",
    )


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang, texts in KEYWORDS.items() for text in texts])
def test_each_keyword_withdraws_the_sms_consent_and_is_confirmed_once(client, gateway, person, language, text):
    assert optout.keyword(text) is not None
    _post(client, text, sid=f"SM-{language}-{text}", sender=NUMBER)
    assert not has_consent(person, ConsentKind.CONTACT_PHONE)
    assert has_consent(person, ConsentKind.CONTACT_WHATSAPP)  # only the channel the keyword came on
    confirmation = Message.objects.get(kind="optout.confirmation")
    assert confirmation.channel == "sms" and confirmation.language == "fr"  # the person's language
    assert dispatch_due() == {"sent": 1}
    assert "information" in gateway.last_form["Body"]  # "Pour les recevoir à nouveau ... guichet d'information"


def test_words_that_are_not_a_stop_keyword_are_left_to_the_status_check():
    assert optout.keyword("stop sending me the reminder for tomorrow please") is None
    assert optout.keyword("ABCD-2345 987654") is None
    assert optout.keyword("") is None


def test_whatsapp_stop_withdraws_the_whatsapp_consent(client, gateway, person):
    _post(client, "Sispann", sid="SMw1", sender=f"whatsapp:{NUMBER}")
    assert not has_consent(person, ConsentKind.CONTACT_WHATSAPP)
    assert has_consent(person, ConsentKind.CONTACT_PHONE)
    assert dispatch_due() == {"sent": 1}
    assert gateway.last_form["To"] == f"whatsapp:{NUMBER}"


def test_what_was_queued_on_the_channel_is_cancelled_and_never_sent(client, gateway, person):
    queued = enqueue(
        kind="appointment_reminder",
        channel="sms",
        recipient=NUMBER,
        language="fr",
        template="statuscheck/messages/answer",
        context={"text": "Rendez-vous demain"},
        due_at=timezone.now() + timedelta(hours=1),
        addressee=person,
    )
    # An answer naming no person, to the same number, is stopped too.
    anonymous = enqueue(
        kind="statuscheck.answer",
        channel="sms",
        recipient=NUMBER,
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "x"},
        due_at=timezone.now() + timedelta(hours=1),
    )
    _post(client, "BAJA", sid="SMq", sender=NUMBER)
    queued.refresh_from_db()
    anonymous.refresh_from_db()
    assert queued.status == anonymous.status == "cancelled"
    Message.objects.filter(pk__in=[queued.pk, anonymous.pk]).update(due_at=timezone.now())
    assert dispatch_due() == {"sent": 1}  # the confirmation only
    assert gateway.last_form["To"] == NUMBER


def test_a_webhook_delivered_twice_is_confirmed_once(client, gateway, person):
    _post(client, "STOP", sid="SMtwice", sender=NUMBER)
    _post(client, "STOP", sid="SMtwice", sender=NUMBER)
    assert Message.objects.filter(kind="optout.confirmation").count() == 1
    assert dispatch_due() == {"sent": 1}
    assert sum(gateway.deliveries.values()) == 1


def test_an_unknown_number_is_confirmed_in_the_keywords_language_and_stopped(client, gateway):
    _post(client, "Baja", sid="SMu", sender="+50688880000")
    confirmation = Message.objects.get(kind="optout.confirmation")
    assert confirmation.language == "es" and confirmation.addressee == ""
    assert StopEntry.objects.filter(channel="sms").count() == 1
    assert NUMBER not in str(list(StopEntry.objects.values_list("address_hash", flat=True)))
    dispatch_due()
    # Later messages to that number on SMS are not sent.
    later = enqueue(
        kind="statuscheck.answer",
        channel="sms",
        recipient="+50688880000",
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "x"},
    )
    assert dispatch_due() == {"cancelled": 1}
    later.refresh_from_db()
    assert later.status == "cancelled"
    assert AuditEntry.objects.filter(details__stop_by_message="sms").exists()


def test_the_confirmation_waits_for_the_end_of_the_quiet_hours(client, gateway, person, settings):
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 23)  # almost always quiet in Costa Rica
    _post(client, "STOP", sid="SMquiet", sender=NUMBER)
    confirmation = Message.objects.get(kind="optout.confirmation")
    assert confirmation.time_zone == "America/Costa_Rica"
    local = timezone.localtime(timezone.now(), timezone=ZoneInfo("America/Costa_Rica"))
    if local.hour < 23:
        assert confirmation.due_at > timezone.now()


def test_consent_given_again_at_the_window_lifts_the_stop(client, gateway, person, staff_cr):
    from cases import services

    _post(client, "STOP", sid="SMlift", sender=NUMBER)
    assert StopEntry.objects.filter(channel="sms").exists()
    services.record_consent(person=person, kinds=["contact_phone"], notice_language="fr", by=staff_cr)
    assert not StopEntry.objects.filter(channel="sms").exists()
    assert has_consent(person, ConsentKind.CONTACT_PHONE)


def test_the_gateways_stop_list_is_followed_too(gateway):
    from tests.notifications.gateway import UNSUBSCRIBED

    first = enqueue(
        kind="statuscheck.answer",
        channel="sms",
        recipient=UNSUBSCRIBED,
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "x"},
    )
    assert dispatch_due() == {"failed": 1}
    assert StopEntry.objects.filter(channel="sms").count() == 1
    requests = gateway.requests
    enqueue(
        kind="statuscheck.answer",
        channel="sms",
        recipient=UNSUBSCRIBED,
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "y"},
        key="second-answer",
    )
    assert dispatch_due() == {"cancelled": 1}
    assert gateway.requests == requests  # not even tried
    first.refresh_from_db()
    assert "unsubscribed" in first.last_error
