"""Retention of every kind of personal record, erasure of every copy, the subject-access export with the
messages sent, and the audit of every disclosure (identifier searches, downloads, refused accesses)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import reminders, services
from cases.models import Appointment, AuditEntry, Case, HouseholdMember, Person
from cases.rules import identifier_hash
from notifications.models import Message
from notifications.services import dispatch_due
from tests.cases.factories import make_case, make_person, pathway_with_documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def messaged(window_cr, staff_cr, cr):
    """A migrant reminded by SMS of an appointment (sent), with a household member."""
    person = make_person(window_cr, staff_cr, phone="8888 1234", consents=("processing", "contact_phone"))
    services.add_household_member(person=person, by=staff_cr, data={"relationship": "child", "given_names": "Lucía"})
    case = make_case(window_cr, staff_cr, person=person)
    process = services.start_process(case=case, pathway=pathway_with_documents(country=cr), by=staff_cr)
    services.book_appointment(
        process=process, at=timezone.now() + timedelta(hours=20), place="DGME La Uruca", purpose="Huellas", by=staff_cr
    )
    reminders.run()
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    dispatch_due()
    assert Message.objects.filter(status="sent").count() == 2  # the migrant's SMS and the staffer's e-mail
    return person, case


def test_the_subject_access_export_includes_the_messages_sent_to_the_person(messaged, staff_cr_client):
    person, _case = messaged
    response = staff_cr_client.get(reverse("cases:person-export", kwargs={"pk": person.pk}))
    data = json.loads(response.content)
    [sms] = data["messages"]
    assert sms["channel"] == "sms" and sms["recipient"] == "+50688881234" and sms["status"] == "sent"
    assert "DGME La Uruca" in sms["body"]


def test_erasure_removes_every_copy_the_outbox_included(messaged, staff_cr):
    person, _case = messaged
    services.erase_person(person=person, by=staff_cr)
    assert not HouseholdMember.objects.exists()
    assert Appointment.objects.get().place == "—"
    for message in Message.objects.all():  # the migrant's SMS and the staffer's reminder naming the place
        assert message.recipient == "" and message.context == "{}" and message.purged_at is not None
        assert "8888" not in message.key
    assert (
        services.export_person_data(person=Person.objects.get(pk=person.pk), by=staff_cr)["messages"][0]["recipient"]
        == ""
    )


def test_the_daily_run_anonymises_every_kind_of_record_past_its_period_and_says_what_it_did(
    window_cr, staff_cr, cr, messaged
):
    cr.retention_days = 30
    cr.save()
    long_ago = timezone.now() - timedelta(days=40)
    without_case = make_person(window_cr, staff_cr, given_names="Sin", family_names="Caso")
    recent_without_case = make_person(window_cr, staff_cr, given_names="Reciente")
    Person.objects.filter(pk=without_case.pk).update(updated_at=long_ago)
    person, case = messaged
    services.close_case(case=case, by=staff_cr, reason="resolved")
    Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
    Message.objects.update(sent_at=timezone.now() - timedelta(days=100))
    services.audit_identifier_search(user=staff_cr, phone="8888 1234", found=[person.pk])
    AuditEntry.objects.filter(action="search").update(at=timezone.now() - timedelta(days=400))

    out = io.StringIO()
    call_command("anonymise_expired_cases", stdout=out)

    assert "cases: 1" in out.getvalue() and "people_without_cases: 1" in out.getvalue()
    assert "audit_search_hashes: 1" in out.getvalue()
    assert Person.objects.get(pk=without_case.pk).given_names == "—"
    assert Person.objects.get(pk=recent_without_case.pk).given_names == "Reciente"
    assert Person.objects.get(pk=person.pk).anonymised_at is not None
    assert Appointment.objects.get().purpose == ""
    assert set(Message.objects.values_list("recipient", flat=True)) == {""}
    search = AuditEntry.objects.get(action="search")
    assert search.details["hash"] == "" and search.details["identifier"] == "phone"  # the row stays
    run = AuditEntry.objects.get(object_type="retention_run")
    assert run.details["people_without_cases"] == 1 and run.details["cases"] == 1


def test_outbox_rows_keep_recipient_and_content_only_for_the_set_time_after_sending(window_cr, settings):
    from notifications.services import enqueue

    settings.NOTIFICATIONS_RETENTION_DAYS = 90
    rows = [
        enqueue(
            kind="x",
            channel="email",
            recipient=f"p{n}@example.org",
            language="es",
            template="notifications/messages/plain",
            context={"subject": "s", "body": "b"},
        )
        for n in range(2)
    ]
    dispatch_due()
    Message.objects.filter(pk=rows[0].pk).update(sent_at=timezone.now() - timedelta(days=91))
    Message.objects.filter(pk=rows[1].pk).update(sent_at=timezone.now() - timedelta(days=89))
    assert services.run_retention()["messages"] == 1
    old, recent = Message.objects.get(pk=rows[0].pk), Message.objects.get(pk=rows[1].pk)
    assert (old.recipient, old.context, old.status) == ("", "{}", "sent") and old.purged_at
    assert recent.recipient == "p1@example.org" and recent.purged_at is None


def test_an_identifier_search_is_audited_with_the_hash_never_the_value(window_cr, staff_cr, staff_cr_client):
    person = make_person(window_cr, staff_cr, document_number="CR-99", phone="8888 1234")
    page = staff_cr_client.post(reverse("cases:person-search"), {"phone": "+506 8888 1234", "document_number": "cr99"})
    assert page.status_code == 200
    rows = {e.details["identifier"]: e for e in AuditEntry.objects.filter(action="search", user=staff_cr)}
    assert rows["phone"].details["hash"] == identifier_hash("phone", "8888 1234", "CR")
    assert rows["document"].details["found"] == [person.pk]
    logged = json.dumps([e.details for e in rows.values()])
    assert "8888" not in logged and "99" not in logged.replace(str(person.pk), "")
    staff_cr_client.post(reverse("cases:person-search"), {"names": "Maria"})
    assert AuditEntry.objects.filter(action="search").count() == 2  # names alone: not an identifier search


def test_a_refused_access_to_a_record_is_audited_and_answered_as_before(window_cr, staff_cr, staff_pa_client):
    person = make_person(window_cr, staff_cr)
    response = staff_pa_client.get(reverse("cases:person-detail", kwargs={"pk": person.pk}))
    assert response.status_code == 404
    entry = AuditEntry.objects.get(action="refused")
    assert entry.object_id == str(person.pk) and entry.details == {"status": 404, "method": "GET"}
    assert entry.object_type == "cases:person-detail" and entry.user.username == "staff_pa"


def test_a_reader_refused_a_change_is_audited_with_403(window_cr, staff_cr, officer_cr_client):
    person = make_person(window_cr, staff_cr)
    response = officer_cr_client.get(reverse("cases:person-export", kwargs={"pk": person.pk}))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="refused", object_id=str(person.pk), details__status=403).exists()
