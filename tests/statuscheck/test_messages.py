"""Asking by SMS or WhatsApp: the gateway posts "<reference> <PIN>" to the webhook, signed; the answer goes
back through the outbox to the stand-in gateway, in the person's language, short enough for one SMS."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from notifications.models import Message
from notifications.services import dispatch_due
from statuscheck import inbound
from statuscheck.models import Lookup
from tests.notifications.gateway import ACCOUNT, TOKEN, Gateway, sign_webhook

pytestmark = pytest.mark.django_db

WEBHOOK = "/hooks/messages/inbound/"
SENDER = "+50688881111"


@pytest.fixture
def gateway(settings):
    server = Gateway().start()
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.providers.MessagesApiProvider"
    settings.NOTIFICATIONS_GATEWAY = {
        "base_url": server.url,
        "account_sid": ACCOUNT,
        "auth_token": TOKEN,
        "sms_from": "+15005550006",
        "whatsapp_from": "+14155238886",
    }
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)
    yield server
    server.stop()


def _post(client, body: str, *, sid: str = "SM0001", sender: str = SENDER, signature: str | None = None):
    form = {"From": sender, "To": "+15005550006", "Body": body, "MessageSid": sid, "AccountSid": ACCOUNT}
    signature = signature or sign_webhook(django_settings.PORTAL_URL + WEBHOOK, form)
    return client.post(WEBHOOK, form, HTTP_X_TWILIO_SIGNATURE=signature)


def test_the_signature_follows_the_gateways_published_example():
    # The example of the gateway's own documentation: URL, five fields, token 12345.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert inbound.signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_a_text_with_reference_and_pin_is_answered_by_sms_in_the_persons_language(client, gateway, issued):
    access, pin = issued
    response = _post(client, f"{access.reference[:4].lower()}-{access.reference[4:]} {pin}")
    assert response.status_code == 200 and b"<Response>" in response.content
    assert "no-store" in response["Cache-Control"]
    assert dispatch_due() == {"sent": 1}
    assert gateway.last_form["To"] == SENDER
    text = gateway.last_form["Body"]
    # In Kreyòl, the person's language: the stage, the missing document, the appointment; one SMS.
    assert text.startswith(f"{access.reference[:4]}-{access.reference[4:]}: Y ap prepare demann ou")
    assert "Certificado de antecedentes" in text and "DGME, La Uruca" in text
    assert len(text) <= 160
    person = access.process.case.person
    assert person.given_names not in text and "P7654321" not in text
    assert Lookup.objects.get().channel == "sms" and Lookup.objects.get().outcome == "shown"


def test_whatsapp_is_answered_on_whatsapp(client, gateway, issued):
    access, pin = issued
    _post(client, f"PIN {pin} REF {access.reference}", sender=f"whatsapp:{SENDER}")
    assert dispatch_due() == {"sent": 1}
    assert gateway.last_form["To"] == f"whatsapp:{SENDER}"
    assert Lookup.objects.get().channel == "whatsapp"


def test_an_unsigned_or_forged_message_is_refused_and_changes_nothing(client, gateway, issued):
    access, pin = issued
    assert _post(client, f"{access.reference} {pin}", signature="forged").status_code == 403
    form = {"From": SENDER, "To": "+1", "Body": f"{access.reference} {pin}", "MessageSid": "SM9"}
    assert client.post(WEBHOOK, form).status_code == 403
    assert not Lookup.objects.exists() and not Message.objects.exists()


def test_a_webhook_delivered_twice_is_answered_once(client, gateway, issued):
    access, pin = issued
    _post(client, f"{access.reference} {pin}", sid="SMdup")
    _post(client, f"{access.reference} {pin}", sid="SMdup")
    assert Message.objects.count() == 1 and Lookup.objects.count() == 1
    assert dispatch_due() == {"sent": 1}
    assert sum(gateway.deliveries.values()) == 1


def test_a_wrong_pin_by_message_gets_the_same_answer_as_an_unknown_reference(client, gateway, issued):
    access, pin = issued
    wrong = "000000" if pin != "000000" else "111111"
    _post(client, f"{access.reference} {wrong}", sid="SM1")
    _post(client, f"ABCD-EFGH {pin}", sid="SM2")
    dispatch_due()
    bodies = [m.context for m in Message.objects.order_by("pk")]
    assert bodies[0] == bodies[1]
    assert [m.language for m in Message.objects.all()] == [django_settings.STATUSCHECK_SMS_LANGUAGE] * 2


def test_the_message_parser_reads_what_people_type():
    assert inbound.parse("vq7k-m3px 123456") == ("VQ7KM3PX", "123456")
    assert inbound.parse("PIN 123 456, REF VQ7K M3PX") == ("VQ7KM3PX", "123456")
    assert inbound.parse("ABCD-2345 987654") == ("ABCD2345", "987654")
    assert inbound.parse("hola") == ("HOLA", "")
