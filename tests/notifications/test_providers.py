"""The SMS and WhatsApp providers: the gateway adapter against a local server that answers like the gateway."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from notifications.models import Message
from notifications.providers import LogProvider, MessagesApiProvider, PermanentError, TransientError
from notifications.services import dispatch_due, enqueue

from .gateway import ACCOUNT, BROKEN, INVALID_NUMBER, NOT_MOBILE, RATE_LIMITED, TOKEN, Gateway


@pytest.fixture
def gateway():
    server = Gateway().start()
    yield server
    server.stop()


@pytest.fixture
def adapter(gateway):
    return MessagesApiProvider(
        base_url=gateway.url,
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        sms_from="+15005550006",
        whatsapp_from="+14155238886",
    )


def send(adapter, to="+50688887777", channel="sms", key="k-1", body="Su cita es mañana a las 9:00."):
    return adapter.send(channel=channel, to=to, body=body, idempotency_key=key)


def test_an_sms_is_posted_form_encoded_with_basic_auth_and_an_idempotency_key(adapter, gateway):
    sid = send(adapter)
    assert sid.startswith("SM")
    assert gateway.last_form == {"To": "+50688887777", "From": "+15005550006", "Body": "Su cita es mañana a las 9:00."}
    assert gateway.last_headers["Idempotency-Key"] == "k-1"
    assert gateway.last_headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_whatsapp_numbers_carry_the_channel_prefix(adapter, gateway):
    send(adapter, channel="whatsapp")
    assert gateway.last_form["To"] == "whatsapp:+50688887777"
    assert gateway.last_form["From"] == "whatsapp:+14155238886"


def test_the_same_idempotency_key_is_delivered_once(adapter, gateway):
    first = send(adapter, key="same")
    second = send(adapter, key="same")
    assert first == second
    assert gateway.deliveries["same"] == 1 and gateway.duplicates == 1


@pytest.mark.parametrize("number", [INVALID_NUMBER, NOT_MOBILE])
def test_an_invalid_number_is_a_permanent_failure(adapter, number):
    with pytest.raises(PermanentError, match="bad address"):
        send(adapter, to=number)


def test_a_number_that_is_not_international_fails_before_calling_the_gateway(adapter, gateway):
    with pytest.raises(PermanentError):
        send(adapter, to="8888-7777")
    assert gateway.requests == 0


@pytest.mark.parametrize("number", [RATE_LIMITED, BROKEN])
def test_rate_limits_and_gateway_errors_are_retried(adapter, number):
    with pytest.raises(TransientError):
        send(adapter, to=number)


def test_wrong_credentials_are_retried_until_an_operator_fixes_them(gateway):
    wrong = MessagesApiProvider(base_url=gateway.url, account_sid=ACCOUNT, auth_token="wrong", sms_from="+15005550006")
    with pytest.raises(TransientError, match="20003"):
        send(wrong)


def test_an_unreachable_gateway_is_retried():
    adapter = MessagesApiProvider(base_url="http://127.0.0.1:9", account_sid=ACCOUNT, auth_token=TOKEN, timeout=2)
    with pytest.raises(TransientError, match="unreachable"):
        send(adapter)


def test_the_log_provider_logs_ids_and_never_the_text_or_number_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="notifications"):
        LogProvider().send(channel="sms", to="+50688887777", body="Ana Pérez, su cita", idempotency_key="abc")
    info = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "abc" in info
    assert "Ana" not in info and "50688887777" not in info


@pytest.mark.django_db
def test_dispatch_through_the_gateway_records_sent_and_bad_numbers(gateway, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.providers.MessagesApiProvider"
    settings.NOTIFICATIONS_GATEWAY = {
        "base_url": gateway.url,
        "account_sid": ACCOUNT,
        "auth_token": TOKEN,
        "sms_from": "+15005550006",
    }
    common = {
        "kind": "test",
        "language": "ht",
        "template": "notifications/messages/plain",
        "context": {"body": "Randevou ou demen."},
    }
    good = enqueue(channel="sms", recipient="+50688887777", **common)
    bad = enqueue(channel="sms", recipient=INVALID_NUMBER, **common)
    busy = enqueue(channel="whatsapp", recipient=RATE_LIMITED, **common)
    assert dispatch_due() == {"sent": 1, "failed": 1, "scheduled": 1}
    good.refresh_from_db(), bad.refresh_from_db(), busy.refresh_from_db()
    assert good.status == "sent" and good.provider_id.startswith("SM")
    assert gateway.by_key[str(good.uuid)]["body"] == "Randevou ou demen."
    assert bad.status == "failed" and "21211" in bad.last_error
    assert busy.status == "scheduled" and "429" in busy.last_error
    assert mail.outbox == []
    assert Message.objects.filter(status="sent").count() == 1


@pytest.mark.django_db
def test_a_gateway_error_quoting_the_number_keeps_it_out_of_the_row_and_the_log(gateway, settings, caplog):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.providers.MessagesApiProvider"
    settings.NOTIFICATIONS_GATEWAY = {"base_url": gateway.url, "account_sid": ACCOUNT, "auth_token": TOKEN}
    bad = enqueue(
        channel="sms",
        recipient=INVALID_NUMBER,
        kind="test",
        language="es",
        template="notifications/messages/plain",
        context={"body": "Hola"},
    )
    with caplog.at_level(logging.INFO, logger="notifications"):
        dispatch_due()
    bad.refresh_from_db()
    digits = INVALID_NUMBER.lstrip("+")
    assert bad.status == "failed" and "21211" in bad.last_error
    assert digits not in bad.last_error
    assert digits not in " ".join(r.getMessage() for r in caplog.records)
