"""From the status page, after a correct reference and PIN, the person stops a channel or asks to be erased;
the erasure request reaches the window as a task due by the legal deadline, and both are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import AuditEntry, ConsentKind, FollowUp
from cases.rules import has_consent
from tests.statuscheck.test_status_check import _check

pytestmark = pytest.mark.django_db


def _act(client, token, action, language="en"):
    with translation.override(language):
        return client.post(reverse("statuscheck:my-data"), {"token": token, "action": action})


def test_the_person_stops_whatsapp_from_the_status_page(client, issued):
    access, pin = issued
    page = _check(client, access.reference, pin)
    assert ("whatsapp", "WhatsApp") in page.context["channels"]
    assert 'value="withdraw:whatsapp"' in page.content.decode()
    done = _act(client, page.context["off_token"], "withdraw:whatsapp")
    assert done.status_code == 200 and "no more messages from us by WhatsApp" in done.content.decode()
    person = access.process.case.person
    assert not has_consent(person, ConsentKind.CONTACT_WHATSAPP)
    assert has_consent(person, ConsentKind.PROCESSING)
    assert AuditEntry.objects.filter(person_id=person.pk, details__consent_withdrawn="contact_whatsapp").exists()
    # The page no longer offers it.
    assert ("whatsapp", "WhatsApp") not in _check(client, access.reference, pin).context["channels"]


def test_the_page_is_translated(client, issued):
    access, pin = issued
    page = _check(client, access.reference, pin, language="ht")
    done = _act(client, page.context["off_token"], "erase", language="ht")
    assert "30" in done.content.decode()
    assert "Your request to erase" not in done.content.decode()


def test_the_erasure_request_reaches_the_window_as_a_task_with_its_deadline(client, issued, staff_cr, settings):
    settings.CASES_ERASURE_ANSWER_DAYS = 30
    access, pin = issued
    page = _check(client, access.reference, pin)
    done = _act(client, page.context["off_token"], "erase")
    assert "within 30 days" in done.content.decode()
    person = access.process.case.person
    person.refresh_from_db()
    assert person.erasure_requested_at is not None and person.erasure_requested_by is None
    task = FollowUp.objects.get(case=access.process.case)
    assert task.due_on == timezone.localdate() + timedelta(days=30)
    assert task.assigned_to == staff_cr and task.done_at is None
    assert FollowUp.objects.pending().filter(pk=task.pk).exists()
    entry = AuditEntry.objects.get(person_id=person.pk, details__by_person=True)
    assert entry.details["erasure_requested"] is True and entry.user is None
    # Asking twice makes one task; the page then says it was asked.
    _act(client, page.context["off_token"], "erase")
    assert FollowUp.objects.filter(case=access.process.case).count() == 1
    assert _check(client, access.reference, pin).context["erasure_asked"] is True


def test_the_window_sees_the_request_on_the_persons_page(client, issued, staff_cr_client):
    access, pin = issued
    page = _check(client, access.reference, pin)
    _act(client, page.context["off_token"], "erase")
    person = access.process.case.person
    detail = staff_cr_client.get(person.get_absolute_url()).content.decode()
    assert "on the status page" in detail and "None" not in detail


def test_without_a_valid_token_nothing_changes(client, issued):
    access, pin = issued
    page = _check(client, access.reference, pin)
    assert _act(client, page.context["off_token"] + "x", "erase").status_code == 400
    assert _act(client, page.context["off_token"], "withdraw:carrier-pigeon").status_code == 400
    person = access.process.case.person
    person.refresh_from_db()
    assert person.erasure_requested_at is None and not FollowUp.objects.exists()
    assert has_consent(person, ConsentKind.CONTACT_WHATSAPP)
