"""The gateway's webhook refuses a NUL or a lone surrogate with a 400 before anything is read or recorded: in
a form-encoded message (even one correctly signed) and in a JSON body, written raw or as a JSON escape."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client

from notifications.models import Message
from statuscheck.models import Lookup
from tests.notifications.gateway import ACCOUNT, TOKEN, sign_webhook

pytestmark = pytest.mark.django_db

WEBHOOK = "/hooks/messages/inbound/"


@pytest.fixture
def gateway_token(settings):
    settings.NOTIFICATIONS_GATEWAY = {"base_url": "http://127.0.0.1:9", "account_sid": ACCOUNT, "auth_token": TOKEN}


def _nothing_recorded() -> bool:
    return Lookup.objects.count() == 0 and Message.objects.count() == 0


@pytest.mark.parametrize("field", ["MessageSid", "Body", "From"])
def test_a_signed_message_with_a_nul_is_refused_with_400(client, gateway_token, issued, field):
    access, pin = issued
    form = {
        "From": "+50688881111",
        "To": "+15005550006",
        "Body": f"{access.reference} {pin}",
        "MessageSid": "SM0001",
        "AccountSid": ACCOUNT,
    }
    form[field] = form[field][:3] + "\x00" + form[field][3:]
    signature = sign_webhook(django_settings.PORTAL_URL + WEBHOOK, form)
    response = client.post(WEBHOOK, form, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 400
    assert _nothing_recorded()


JSON_BODIES = {
    "escaped NUL in a value": b'{"MessageSid": "SM\\u00001", "Body": "hola"}',
    "escaped NUL in a key": b'{"Message\\u0000Sid": "SM1"}',
    "lone high surrogate": b'{"Body": "ab\\ud800cd"}',
    "lone low surrogate deep in a list": b'{"events": [{"data": ["ok", "\\udfff"]}]}',
    "raw NUL byte": b'{"Body": "a\x00b"}',
    "a lone surrogate's bytes (no UTF-8)": b'{"Body": "a\xed\xa0\x80b"}',
    "bytes that are no UTF-8": b"\xff\xfe",
}


@pytest.mark.parametrize("body", list(JSON_BODIES.values()), ids=list(JSON_BODIES))
@pytest.mark.parametrize("content_type", ["application/json", "application/vnd.gateway+json"])
def test_a_json_body_with_a_nul_or_a_lone_surrogate_is_refused_with_400(gateway_token, body, content_type):
    response = Client().post(WEBHOOK, body, content_type=content_type)
    assert response.status_code == 400
    assert 'class="site-header' in response.content.decode()  # the portal's own 400 page
    assert _nothing_recorded()


def test_a_clean_json_body_or_text_that_is_not_json_goes_on_to_the_webhook(gateway_token):
    # A pair of surrogates is one character (an emoji), not a lone one: not refused by the guard. The webhook
    # itself then refuses the unsigned request (403), as it refuses every unsigned one.
    escaped = json.dumps({"Body": "hola \ud83d\ude42"}).encode()
    raw = json.dumps({"Body": "hola 🙂"}, ensure_ascii=False).encode()
    for body in (escaped, raw, b'{"Body": "hola'):
        response = Client().post(WEBHOOK, body, content_type="application/json")
        assert response.status_code == 403, body
    assert _nothing_recorded()
