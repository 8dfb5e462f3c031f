"""Consent by replying to an SMS code: the code leaves through the outbox to the gateway, the person's reply
comes back through the gateway's signed webhook (the one STOP uses), the consent is recorded as given by SMS
code and the handover goes to the receiving window; a wrong or expired code is answered in the notice's
language and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import AuditEntry
from handovers import services
from handovers.models import ConsentMethod, Handover, Status
from notifications.models import Message
from notifications.services import dispatch_due
from statuscheck.models import Lookup
from tests.statuscheck import test_messages
from tests.statuscheck.test_messages import _post

pytestmark = pytest.mark.django_db

gateway = test_messages.gateway  # the stand-in gateway, as a fixture here too

PHONE = "+50499887766"  # Ana's number on record in Tegucigalpa (conftest.file_hn)


@pytest.fixture
def waiting(send, gateway):
    """A handover waiting for Ana's code, and the code as the gateway carried it to her phone."""
    handover = send(consent_method="sms_code")
    assert dispatch_due() == {"sent": 1}
    assert gateway.last_form["To"] == PHONE
    text = gateway.last_form["Body"]
    assert "responda a este mensaje" in text  # the notice in Spanish, the language chosen
    return handover, re.search(r"\b(\d{6})\b", text).group(1)


def _answer(gateway) -> str:
    assert dispatch_due() == {"sent": 1}
    assert gateway.last_form["To"] == PHONE
    return gateway.last_form["Body"]


def test_a_reply_with_the_code_records_the_consent_and_the_handover_proceeds(
    client, gateway, waiting, staff_gt, staff_hn
):
    handover, code = waiting
    assert not Handover.objects.received_by(staff_gt).exists()
    response = _post(client, f"{code[:3]} {code[3:]}", sid="SMreply1", sender=PHONE)
    assert response.status_code == 200
    handover.refresh_from_db()
    assert handover.status == Status.PENDING and handover.sharing
    assert handover.consent_method == ConsentMethod.SMS_CODE and handover.consent_given_at is not None
    assert handover.consent_code_hash == ""
    entry = AuditEntry.objects.filter(object_type="handovers.handover", details__event="shared").get()
    assert entry.details["consent"] == "sms_code" and entry.details["via"] == "sms_reply"
    answer = _answer(gateway)
    assert "Gracias" in answer and "Guatemala" in answer
    # The person's own export says how the consent was given, and the code never appears in it.
    from cases import services as case_services

    (row,) = case_services.export_person_data(person=handover.person, by=staff_hn)["handovers"]
    assert row["consent_method"] == "sms_code"
    assert {"event": "shared", "via": "sms_reply"}.items() <= row["events"][-1].items()
    assert code not in str(row)
    # The receiving window now has it and accepts it.
    assert Handover.objects.received_by(staff_gt).filter(pk=handover.pk).exists()
    case = services.accept(handover=handover, by=staff_gt)
    assert case.window.country.code == "GT"
    assert not Lookup.objects.exists()  # never taken for a status question


def test_a_wrong_code_is_answered_and_changes_nothing(client, gateway, waiting, staff_gt):
    handover, code = waiting
    wrong = "000000" if code != "000000" else "111111"
    _post(client, wrong, sid="SMwrong", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.AWAITING_CONSENT and handover.consent_given_at is None
    assert handover.consent_code_tries == 1
    assert "no es el código" in _answer(gateway)
    assert not Handover.objects.received_by(staff_gt).exists()
    # The right code still holds afterwards.
    _post(client, code, sid="SMright", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.PENDING


def test_too_many_wrong_codes_void_the_code(client, gateway, waiting):
    handover, code = waiting
    wrong = "000000" if code != "000000" else "111111"
    for n in range(services.CODE_TRIES):
        _post(client, wrong, sid=f"SMw{n}", sender=PHONE)
    dispatch_due()
    _post(client, code, sid="SMlate", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.AWAITING_CONSENT
    assert "ha vencido" in _answer(gateway)


def test_an_expired_code_is_answered_so_and_a_new_one_holds(client, gateway, waiting, staff_hn):
    handover, code = waiting
    Handover.objects.filter(pk=handover.pk).update(
        consent_code_sent_at=timezone.now() - services.CODE_VALID_FOR - timedelta(minutes=1)
    )
    _post(client, code, sid="SMold", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.AWAITING_CONSENT and handover.consent_given_at is None
    assert "ha vencido" in _answer(gateway)
    with pytest.raises(services.HandoverError, match=r"expired|vencido"):
        services.confirm_code(handover=handover, code=code, by=staff_hn)
    Handover.objects.filter(pk=handover.pk).update(consent_code_sent_at=timezone.now())
    with pytest.raises(services.HandoverError, match=r"not the code|no es el código"):
        services.confirm_code(handover=handover, code="000000" if code != "000000" else "111111", by=staff_hn)
    handover.refresh_from_db()
    assert handover.consent_code_tries == 1  # the clerk's wrong try counts too
    Handover.objects.filter(pk=handover.pk).update(consent_code_sent_at=timezone.now() - timedelta(days=3))
    # The window sends a new code; the old one stays void, the new one records the consent.
    client.force_login(staff_hn)
    page = client.get(f"/en/staff/handovers/{handover.pk}/").content.decode()
    assert "Send a new code" in page and "reply to the SMS with the code" in page
    assert client.post(f"/en/staff/handovers/{handover.pk}/code/new/").status_code == 302
    new_code = re.search(r"\b(\d{6})\b", _answer(gateway)).group(1)
    client.logout()
    if new_code != code:
        _post(client, code, sid="SMold2", sender=PHONE)
        handover.refresh_from_db()
        assert handover.status == Status.AWAITING_CONSENT
        dispatch_due()
    _post(client, new_code, sid="SMnew", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.PENDING


def test_a_reply_delivered_twice_is_answered_once(client, gateway, waiting):
    handover, code = waiting
    _post(client, code, sid="SMtwice", sender=PHONE)
    _post(client, code, sid="SMtwice", sender=PHONE)
    handover.refresh_from_db()
    assert handover.status == Status.PENDING
    assert Message.objects.filter(kind="handovers.consent_reply").count() == 1
    assert not Lookup.objects.exists()


def test_an_unsigned_reply_changes_nothing(client, gateway, waiting):
    handover, code = waiting
    assert _post(client, code, sid="SMforged", sender=PHONE, signature="forged").status_code == 403
    handover.refresh_from_db()
    assert handover.status == Status.AWAITING_CONSENT


def test_the_code_from_another_number_is_not_a_consent(client, gateway, waiting):
    """Only the person's own number gives the consent: the same six digits from elsewhere are a status
    question like any other text."""
    handover, code = waiting
    _post(client, code, sid="SMother", sender="+50688887777")
    handover.refresh_from_db()
    assert handover.status == Status.AWAITING_CONSENT
    assert Lookup.objects.count() == 1
    assert not Message.objects.filter(kind="handovers.consent_reply").exists()


@pytest.mark.parametrize(
    ("language", "wrong", "expired"),
    [
        ("es", "no es el código", "ha vencido"),
        ("en", "not the code", "has expired"),
        ("fr", "pas le code", "a expiré"),
        ("nl", "niet de code", "is verlopen"),
        ("ht", "Se pa kòd", "ekspire"),
    ],
)
def test_the_answers_are_in_the_language_of_the_notice(client, gateway, send, language, wrong, expired):
    handover = send(consent_method="sms_code", consent_language=language)
    dispatch_due()
    code = re.search(r"\b(\d{6})\b", gateway.last_form["Body"]).group(1)
    _post(client, "000000" if code != "000000" else "111111", sid=f"SMw-{language}", sender=PHONE)
    assert wrong in _answer(gateway)
    Handover.objects.filter(pk=handover.pk).update(consent_code_sent_at=timezone.now() - timedelta(days=3))
    _post(client, code, sid=f"SMx-{language}", sender=PHONE)
    assert expired in _answer(gateway)
