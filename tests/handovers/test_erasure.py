"""Erasure in one country asks the other to erase by the legal deadline; the subject-access export holds the
handovers and every share, look, acceptance and withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from handovers import services
from handovers.models import ErasureRequest, Handover, Status

pytestmark = pytest.mark.django_db


def test_erasure_in_the_receiving_country_asks_the_sending_one_by_the_legal_deadline(
    client, send, staff_gt, staff_hn, admin_user, window_hn, file_hn, settings
):
    settings.CASES_ERASURE_ANSWER_DAYS = 30
    handover = send()
    case = services.accept(handover=handover, by=staff_gt)
    client.force_login(admin_user)
    response = client.post(
        f"/en/staff/cases/people/{case.person_id}/erase/", {"confirmation": str(case.person_id)}, follow=True
    )
    page = response.content.decode()
    due = timezone.localdate() + timedelta(days=30)
    assert "Ventanilla Tegucigalpa in Honduras was asked to erase this person" in page
    request = ErasureRequest.objects.get()
    assert request.window == window_hn and request.person_id == file_hn["person"].pk and request.due_on == due
    # the window asked sees the task with its date, and answers it only once the person is erased there
    client.force_login(staff_hn)
    listing = client.get("/en/staff/handovers/").content.decode()
    assert "erase the person by" in listing
    client.post(f"/en/staff/handovers/erasure/{request.pk}/done/")
    assert ErasureRequest.objects.get().done_at is None
    case_services.erase_person(person=file_hn["person"], by=admin_user)
    assert ErasureRequest.objects.get().done_at is not None  # answered by the erasure itself
    assert ErasureRequest.objects.count() == 1  # and nothing asked back of a country that already erased


def test_erasure_of_the_sender_stops_a_pending_handover(send, admin_user, staff_gt, client):
    handover = send()
    case_services.erase_person(person=handover.person, by=admin_user)
    handover.refresh_from_db()
    assert handover.status == Status.STOPPED and not handover.sharing
    assert not ErasureRequest.objects.exists()  # nothing was received yet


def test_the_subject_access_export_holds_the_handover_and_its_events(send, staff_gt, staff_hn, client):
    handover = send()
    client.force_login(staff_gt)
    client.get(f"/en/staff/handovers/{handover.pk}/")
    services.accept(handover=handover, by=staff_gt)
    services.withdraw(handover=Handover.objects.get(pk=handover.pk), by=staff_hn)
    data = case_services.export_person_data(person=handover.person, by=staff_hn)
    (row,) = data["handovers"]
    assert row["to_country"] == "GT" and row["parts"] == ["identity", "documents", "needs", "history"]
    assert row["consent_method"] == "at_window" and row["consent_withdrawn_at"]
    events = [e["event"] for e in row["events"]]
    for event in ("shared", "viewed", "accepted", "consent_withdrawn"):
        assert event in events
    # the receiving country's export of its own record holds the same handover
    received = case_services.export_person_data(
        person=Handover.objects.get(pk=handover.pk).received_person, by=staff_gt
    )
    assert [r["id"] for r in received["handovers"]] == [handover.pk]
