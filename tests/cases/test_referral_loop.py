"""Referrals that come back: the partner is told through the outbox, answers through a signed link that
expires, shows only what the person agreed to share, and both sides are reminded when nobody answers."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Referral, ReferralStatus, TimelineEntry
from cases.services import referrals
from notifications.channels import render
from notifications.models import Message
from tests.cases.factories import make_case, make_person
from ventanillas.models import PartnerOrganisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def partner(cr):
    return PartnerOrganisation.objects.create(
        name="Cruz Roja Costarricense", acronym="CRC", country=cr, email="referidos@cruzroja.example"
    )


@pytest.fixture
def person(window_cr, staff_cr):
    return make_person(
        window_cr,
        staff_cr,
        consents=["processing", "share_partners", "contact_phone"],
        phone="+506 8888 1111",
        email="maria@example.org",
        document_type="passport",
        document_number="P7654321",
    )


@pytest.fixture
def referral(window_cr, staff_cr, person, partner):
    staff_cr.email = "clerk@example.org"
    staff_cr.save()
    case = make_case(window_cr, staff_cr, person=person)
    return services.refer(case=case, partner=partner, service="health", by=staff_cr)


def _answer_url(referral: Referral) -> str:
    return reverse("referral-answer", kwargs={"token": referrals.answer_token(referral)})


def test_the_partner_is_sent_a_link_and_nothing_about_the_person(referral, partner):
    message = Message.objects.get(kind=referrals.REFERRAL_TO_PARTNER)
    assert message.recipient == partner.email and message.channel == "email"
    subject, body = render(message)
    assert "Ventanilla San José" in subject
    assert "/es/referrals/" in body and "Atención de salud" in body  # in the language of the partner's country
    for private in ("María", "Pérez", "8888", "P7654321", "maria@example.org"):
        assert private not in body and private not in subject


def test_the_link_shows_what_the_consent_covers_and_takes_the_answer(referral):
    client = Client()  # no account
    url = _answer_url(referral)
    html = client.get(url).content.decode()
    assert "María José" in html and "+50688881111" in html  # given names, and the phone consented to
    assert "Pérez" not in html and "P7654321" not in html and "maria@example.org" not in html  # no consent

    response = client.post(url, {"status": "accepted", "note": "Cita el lunes a las 9:00"})

    assert response.status_code == 302 and response["Location"].endswith("#answer")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.answered_at
    assert referral.feedback == "Cita el lunes a las 9:00"
    entry = referral.case.timeline.filter(kind=TimelineEntry.Kind.REFERRAL_ANSWER).get()
    assert entry.by is None and "Accepted" in entry.text()
    assert "Thank you: your answer was sent to the window." in client.get(url).content.decode()


def test_a_partner_may_say_the_service_was_given_and_then_the_referral_is_closed(referral):
    client = Client()
    url = _answer_url(referral)
    client.post(url, {"status": "completed", "note": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    html = client.get(url).content.decode()
    assert "This referral is closed." in html and 'name="status"' not in html
    assert client.post(url, {"status": "declined"}).status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_once_consent_is_withdrawn_the_link_shows_nothing_about_the_person(referral, person, staff_cr):
    services.withdraw_consent(person=person, kind="share_partners", by=staff_cr)
    html = Client().get(_answer_url(referral)).content.decode()
    assert "María" not in html and "8888" not in html
    assert "consent to share their details no longer holds" in html


def test_a_bad_answer_is_refused_and_the_note_kept(referral):
    response = Client().post(_answer_url(referral), {"status": "", "note": "Sin cupo este mes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and "Sin cupo este mes" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_forged_or_expired_link_opens_nothing(referral, settings):
    client = Client()
    token = referrals.answer_token(referral)
    assert client.get(reverse("referral-answer", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    later = time.time() + (settings.CASES_REFERRAL_LINK_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(reverse("referral-answer", kwargs={"token": token}))
        assert response.status_code == 410 and "This link has expired" in response.content.decode()
        client.post(reverse("referral-answer", kwargs={"token": token}), {"status": "accepted"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_an_unanswered_referral_reminds_the_partner_and_the_clerk_once(referral, settings, partner):
    days = settings.CASES_REFERRAL_REMINDER_DAYS
    assert referrals.remind_unanswered_referrals(timezone.now() + timedelta(days=days - 1)) == 0
    later = timezone.now() + timedelta(days=days, hours=1)
    assert referrals.remind_unanswered_referrals(later) == 2
    reminders = Message.objects.filter(kind=referrals.REFERRAL_UNANSWERED)
    assert sorted(m.recipient for m in reminders) == sorted([partner.email, "clerk@example.org"])
    clerk_subject, clerk_body = render(next(m for m in reminders if m.recipient == "clerk@example.org"))
    assert f"Caso {referral.case_id}" in clerk_subject and "Cruz Roja Costarricense" in clerk_body
    referrals.remind_unanswered_referrals(later)
    assert reminders.count() == 2  # once each


def test_an_answered_referral_is_not_reminded(referral, settings):
    Client().post(_answer_url(referral), {"status": "declined", "note": ""})
    later = timezone.now() + timedelta(days=settings.CASES_REFERRAL_REMINDER_DAYS + 1)
    assert referrals.remind_unanswered_referrals(later) == 0


def test_my_tasks_lists_the_referrals_waiting_and_flags_the_late_ones(referral, staff_cr_client, settings):
    html = staff_cr_client.get(reverse("cases:tasks")).content.decode()
    section = html[html.index('id="referrals"') :]
    assert "Cruz Roja Costarricense (CRC)" in section and "call the partner" not in section
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timedelta(days=settings.CASES_REFERRAL_REMINDER_DAYS + 1)
    )
    section = staff_cr_client.get(reverse("cases:tasks")).content.decode()
    assert "no answer yet: call the partner" in section
    Client().post(_answer_url(referral), {"status": "completed"})
    html = staff_cr_client.get(reverse("cases:tasks")).content.decode()
    assert "No referral is waiting for an answer." in html


def test_partners_are_named_in_full(partner):
    assert str(partner) == "Cruz Roja Costarricense (CRC)"
    assert str(PartnerOrganisation(name="HIAS")) == "HIAS"


def test_a_refusal_for_missing_consent_links_to_the_consent_form(window_cr, staff_cr, staff_cr_client, partner):
    case = make_case(window_cr, staff_cr)  # consent to processing only
    response = staff_cr_client.post(
        reverse("cases:referral-create", args=[case.pk]), {"partner": partner.pk, "service": "health"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="{case.person.get_absolute_url()}#consents"' in html
    assert 'id="consents"' in staff_cr_client.get(case.person.get_absolute_url()).content.decode()
    assert not Referral.objects.exists()


def test_the_case_page_says_how_long_the_partner_took(referral, staff_cr_client):
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=3))
    Client().post(_answer_url(referral), {"status": "accepted"})
    html = staff_cr_client.get(referral.case.get_absolute_url()).content.decode()
    assert "answered by the partner in 3 days" in html
