"""The rules per pair of countries, and the consent each handover rests on: given, by code, withdrawn."""

from __future__ import annotations

import json
import re

import pytest

from handovers import services
from handovers.models import ConsentMethod, Decision, Handover, PairRule, Status
from handovers.services import HandoverError

pytestmark = pytest.mark.django_db


def test_without_a_rule_a_handover_cannot_be_started(send, rule):
    rule.delete()
    with pytest.raises(HandoverError, match="do not allow"):
        send()
    assert not Handover.objects.exists()


def test_a_forbidden_pair_cannot_be_started(send, rule):
    rule.decision = Decision.FORBIDDEN
    rule.save()
    with pytest.raises(HandoverError, match="do not allow"):
        send()


def test_the_start_page_offers_only_allowed_countries_and_refuses_a_forbidden_one(
    client, staff_hn, file_hn, rule, mx, window_mx
):
    PairRule.objects.create(from_country=rule.from_country, to_country=mx, decision=Decision.FORBIDDEN)
    client.force_login(staff_hn)
    url = f"/es/staff/handovers/cases/{file_hn['case'].pk}/new/"
    page = client.get(url).content.decode()
    assert f'<option value="{rule.to_country.pk}">Guatemala</option>' in page
    assert f'<option value="{mx.pk}">' not in page and "Tapachula" not in page
    response = client.post(
        url,
        {
            "to_country": mx.pk,
            "parts": ["identity"],
            "purpose": "continue",
            "consent_method": "at_window",
            "consent_language": "es",
            "form_token": "6b1f1c9e-0000-4000-8000-000000000001",
        },
    )
    assert response.status_code == 400
    assert not Handover.objects.exists()
    # what was ticked is kept on the form
    assert re.search(r'<input[^>]*value="identity"[^>]*checked', response.content.decode())


def test_with_consent_the_way_it_was_given_is_required(send):
    with pytest.raises(HandoverError, match="how the person gave"):
        send(consent_method="")


def test_without_consent_the_rule_names_its_legal_basis_and_nothing_can_be_withdrawn(send, rule, staff_hn):
    rule.decision, rule.legal_basis = Decision.WITHOUT_CONSENT, "Acuerdo CA-4, artículo 9"
    rule.save()
    handover = send(consent_method="at_window")
    assert handover.consent_method == ConsentMethod.NONE
    assert handover.legal_basis == "Acuerdo CA-4, artículo 9"
    assert handover.sharing
    with pytest.raises(HandoverError):
        services.withdraw(handover=handover, by=staff_hn)


def test_a_rule_without_consent_needs_a_legal_basis(hn, gt):
    from django.core.exceptions import ValidationError

    rule = PairRule(from_country=hn, to_country=gt, decision=Decision.WITHOUT_CONSENT)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_consent_records_with_whom_what_why_when_and_how(send, window_gt):
    handover = send(consent_method="signed_slip", notes_shared=["case"])
    assert handover.to_window == window_gt
    assert handover.parts == ["identity", "documents", "needs", "history"]
    assert handover.notes_shared == ["case"]
    assert handover.purpose == "continue"
    assert handover.consent_method == "signed_slip" and handover.consent_given_at is not None
    assert handover.status == Status.PENDING


def test_the_signed_slip_lists_what_is_shared_in_the_language_of_the_notice(client, send, staff_hn):
    handover = send(consent_method="signed_slip", consent_language="en")
    client.force_login(staff_hn)
    page = client.get(f"/es/staff/handovers/{handover.pk}/slip/").content.decode()
    assert 'lang="en"' in page
    assert "Documents held: their kinds and validity" in page
    assert "I may withdraw this consent" in page


def test_an_sms_code_holds_the_handover_until_the_person_gives_it_back(send, staff_hn, staff_gt, mailoutbox):
    from notifications.models import Message

    handover = send(consent_method="sms_code")
    assert handover.status == Status.AWAITING_CONSENT and not handover.sharing
    assert not Handover.objects.received_by(staff_gt).exists()
    message = Message.objects.get(kind="handovers.consent_code")
    code = json.loads(message.context)["code"]
    with pytest.raises(HandoverError, match="not the code"):
        services.confirm_code(handover=handover, code="000000" if code != "000000" else "111111", by=staff_hn)
    handover = services.confirm_code(handover=handover, code=code, by=staff_hn)
    assert handover.status == Status.PENDING and handover.consent_given_at is not None
    assert Handover.objects.received_by(staff_gt).filter(pk=handover.pk).exists()


def test_withdrawal_before_acceptance_stops_the_handover(send, staff_hn, staff_gt, client):
    handover = send()
    services.withdraw(handover=handover, by=staff_hn)
    handover.refresh_from_db()
    assert handover.status == Status.STOPPED and not handover.sharing
    with pytest.raises(HandoverError):
        services.accept(handover=handover, by=staff_gt)
    client.force_login(staff_gt)
    page = client.get(f"/en/staff/handovers/{handover.pk}/").content.decode()
    assert "The person withdrew their consent on" in page
    assert "Reyes Canario" not in page


def test_withdrawal_after_acceptance_is_shown_to_the_receiving_window_and_stops_the_sharing(
    send, staff_hn, staff_gt, client
):
    handover = send()
    case = services.accept(handover=handover, by=staff_gt)
    client.force_login(staff_gt)
    assert "Reyes Canario" in client.get(f"/en/staff/handovers/{handover.pk}/").content.decode()
    services.withdraw(handover=Handover.objects.get(pk=handover.pk), by=staff_hn)
    page = client.get(f"/en/staff/handovers/{handover.pk}/").content.decode()
    assert "The person withdrew their consent on" in page
    assert "Nothing is shared now." in page
    case_page = client.get(f"/en/staff/cases/{case.pk}/").content.decode()
    assert "Consent withdrawn on" in case_page


def test_administrators_keep_the_rules_in_the_admin(client, admin_user, hn, gt):
    client.force_login(admin_user)
    response = client.post(
        "/admin/handovers/pairrule/add/",
        {"from_country": hn.pk, "to_country": gt.pk, "decision": "without_consent", "legal_basis": ""},
    )
    assert response.status_code == 200  # refused: the legal basis is missing, the form is shown again
    assert not PairRule.objects.exists()
    client.post(
        "/admin/handovers/pairrule/add/",
        {"from_country": hn.pk, "to_country": gt.pk, "decision": "without_consent", "legal_basis": "Ley 2026, art. 4"},
    )
    assert PairRule.objects.get().legal_basis == "Ley 2026, art. 4"
