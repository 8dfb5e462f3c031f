"""The gateway's webhook with generated bodies: JSON documents whose keys and values hold NUL, lone surrogates
(raw or as escapes), directional controls, NaN and the infinities, and form-encoded messages correctly
signed with the same text. A body with a NUL or a lone surrogate gets a 400; every other one a 403 (unsigned)
or the webhook's answer; never a 500, and nothing of a refused request is recorded."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import Message
from statuscheck.models import Lookup
from tests.notifications.gateway import ACCOUNT, TOKEN, sign_webhook

from .conftest import GENERATED

pytestmark = pytest.mark.django_db

WEBHOOK = "/hooks/messages/inbound/"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")) * 2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
UNREADABLE = st.sampled_from(["\x00", "\ud800", "\udfff", "a\x00b", "x\udc00y"])
TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\u202eSTOP", "STOP", "٣٣٣٣-٣٣٣٣ ١٢٣٤٥٦", "＝1+1", "x" * 2000]),
    UNREADABLE,
)
SCALARS = st.one_of(TEXT, st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none())
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)


def _unreadable(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_unreadable(k) or _unreadable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unreadable(v) for v in value)
    return False


@pytest.fixture
def gateway_token(settings):
    settings.NOTIFICATIONS_GATEWAY = {"base_url": "http://127.0.0.1:9", "account_sid": ACCOUNT, "auth_token": TOKEN}


def test_generated_json_bodies_are_refused_never_a_server_error(gateway_token):
    client = Client()

    @FUZZ
    @given(document=DOCUMENTS, ascii_only=st.booleans())
    def run(document, ascii_only):
        GENERATED["webhook (json)"] += 1
        body = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        response = client.post(WEBHOOK, body, content_type="application/json")
        assert response.status_code == (400 if _unreadable(document) else 403), (body[:80], response.status_code)
        assert Lookup.objects.count() == 0 and Message.objects.count() == 0

    run()


def test_generated_signed_messages_never_get_a_server_error(gateway_token):
    client = Client()

    @FUZZ
    @given(body=TEXT, sid=TEXT, sender=TEXT)
    def run(body, sid, sender):
        GENERATED["webhook (signed form)"] += 1
        form = {"From": sender, "To": "+15005550006", "Body": body, "MessageSid": sid, "AccountSid": ACCOUNT}
        # Signed over the text the portal reads: a lone surrogate's bytes are no UTF-8 and arrive as U+FFFD.
        read = {k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for k, v in form.items()}
        signature = sign_webhook(django_settings.PORTAL_URL + WEBHOOK, read)
        encoded = urlencode(form, encoding="utf-8", errors="surrogatepass")
        response = client.post(
            WEBHOOK, encoded, content_type="application/x-www-form-urlencoded", HTTP_X_TWILIO_SIGNATURE=signature
        )
        assert response.status_code < 500
        if "\x00" in body + sid + sender:
            assert response.status_code == 400

    run()
