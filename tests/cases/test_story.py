"""The whole story, as a staffer walks it through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEntry, Case, Person, RegularizationProcess

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_staffer_takes_a_person_from_search_to_an_approved_permit(staff_cr_client, window_cr, pathway_cr):
    client = staff_cr_client
    today = timezone.localdate()

    # Search first: nobody is registered yet.
    typed = {"names": "Jean-Baptiste Pierre", "document_number": "HT123456"}
    search = client.post(reverse("cases:person-search"), typed)
    assert search.status_code == 200
    assert "Nobody matches" in search.content.decode()

    # Register the person; what the search held is already in the form.
    new_url = reverse("cases:person-create")
    form_page = client.post(new_url, {"prefill": "1", **typed})
    assert 'value="HT123456"' in form_page.content.decode()
    token = form_page.context["form"].initial["form_token"]
    response = client.post(
        new_url,
        {
            "form_token": token,
            "window": window_cr.pk,
            "given_names": "Jean-Baptiste",
            "family_names": "Pierre",
            "estimated_age": "34",
            "sex": "male",
            "gender": "man",
            "nationality": "HT",
            "document_type": "passport",
            "document_number": "HT123456",
            "document_country": "HT",
            "phone": "+506 8888 1234",
            "preferred_language": "ht",
            "legal_basis": "consent",
            "consents": ["processing", "share_partners"],
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-create", kwargs={"person": person.pk})

    # A second search finds him, despite the accents, order and spelling.
    again = client.post(reverse("cases:person-search"), {"names": "pierre jean baptist"})
    assert "Jean-Baptiste Pierre" in again.content.decode()

    # Open the case.
    case_page = client.get(response["Location"])
    response = client.post(
        response["Location"],
        {
            "form_token": case_page.context["form"].initial["form_token"],
            "window": window_cr.pk,
            "needs": ["regularization"],
        },
    )
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()

    # Start the pathway, some weeks ago.
    client.post(
        reverse("cases:process-start", args=[case.pk]), {"pathway": pathway_cr.pk, "on": today - timedelta(days=60)}
    )
    process = RegularizationProcess.objects.get()
    for item in process.checklist.filter(required=True):
        client.post(reverse("cases:checklist-update", args=[item.pk]), {"status": "received"})

    move = reverse("cases:process-move", args=[process.pk])
    assert client.post(move, {"to": "documents_complete", "on": today - timedelta(days=50)}).status_code == 302
    assert client.post(move, {"to": "submitted", "on": today - timedelta(days=40)}).status_code == 302
    response = client.post(
        move,
        {
            "to": "approved",
            "on": today,
            "permit_number": "DIMEX-77",
            "permit_type": "Residencia temporal",
            "permit_expires_on": today + timedelta(days=730),
        },
    )
    assert response.status_code == 302

    page = client.get(case.get_absolute_url()).content.decode()
    assert "Approved" in page
    assert "40 days from submission to decision" in page
    assert "DIMEX-77" in page

    regularized = RegularizationProcess.objects.regularized().filter(case__person=person).get()
    assert regularized.processing_days == 40
    assert AuditEntry.objects.filter(case_id=case.pk, action="stage").count() == 3
