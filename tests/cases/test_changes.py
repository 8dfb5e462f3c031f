"""Corrections after the fact: the permit of an approved process, moved and cancelled appointments (with
their reminders), household members, contact channels, erasure on request, and the demo data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import reminders, services
from cases.models import Appointment, AuditEntry, ChecklistStatus, HouseholdMember, Person, Stage, TimelineEntry
from cases.services import CaseError
from notifications.models import Message
from notifications.services import load_context
from tests.cases.factories import make_person
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def approve(process, by, **permit):
    process.checklist.update(status=ChecklistStatus.RECEIVED)
    today = timezone.localdate()
    for stage in (Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED):
        process = services.move_process(process=process, to=stage, by=by, on=today)
    permit = {"permit_type": "Residencia temporal", **permit}
    return services.move_process(process=process, to=Stage.APPROVED, by=by, on=today, **permit)


@pytest.fixture
def approved(process_cr, staff_cr):
    return approve(process_cr, staff_cr, permit_number="dimex 1", permit_expires_on=date.today() + timedelta(days=700))


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    return client


def assert_personas(url, payload, staff_cr_client, officer_cr_client, staff_pa_client):
    """Reader 403, other country 404, wrong method 405; then the staffer's own request."""
    assert officer_cr_client.post(url, payload).status_code == 403
    assert staff_pa_client.post(url, payload).status_code == 404
    assert staff_pa_client.get(url).status_code == 404
    assert staff_cr_client.delete(url).status_code == 405
    return staff_cr_client.post(url, payload)


# --- Permit -----------------------------------------------------------------------------------------------


def test_approval_records_the_permit_normalised(approved):
    assert (approved.permit_type, approved.permit_number) == ("Residencia temporal", "DIMEX 1")


@pytest.mark.parametrize(
    ("permit", "field", "message"),
    [
        ({"permit_type": ""}, "permit_type", "type of permit"),
        ({"permit_number": "#!?"}, "permit_number", "letters, digits"),
        ({"permit_expires_on": date.today() - timedelta(days=2)}, "permit_expires_on", "expire after"),
    ],
)
def test_approval_refuses_a_permit_without_type_a_malformed_number_or_a_past_expiry(
    process_cr, staff_cr, permit, field, message
):
    with pytest.raises(CaseError) as error:
        approve(process_cr, staff_cr, **permit)
    assert error.value.field == field and message in error.value.message
    process_cr.refresh_from_db()
    assert process_cr.stage == Stage.SUBMITTED


def test_staff_correct_the_permit_later_and_it_is_audited(approved, staff_cr):
    expires = approved.decided_at + timedelta(days=365)
    services.update_permit(
        process=approved,
        by=staff_cr,
        permit_type="Residencia temporal",
        permit_number="DIMEX-2",
        permit_expires_on=expires,
    )
    approved.refresh_from_db()
    assert (approved.permit_number, approved.permit_expires_on) == ("DIMEX-2", expires)
    entry = AuditEntry.objects.filter(object_id=str(approved.pk), action="change").latest("pk")
    assert entry.details == {"fields": ["permit_number", "permit_expires_on"]}
    assert "DIMEX" not in str(entry.details)
    assert approved.case.timeline.filter(kind=TimelineEntry.Kind.PERMIT).exists()


def test_a_permit_is_only_corrected_on_an_approved_process(process_cr, staff_cr):
    with pytest.raises(CaseError, match="Only an approved process"):
        services.update_permit(process=process_cr, by=staff_cr, permit_type="X")


def test_correcting_the_expiry_cancels_the_pending_expiry_reminder(approved, staff_cr):
    Person.objects.filter(pk=approved.case.person_id).update(email="ana@example.org")
    services.record_consent(person=approved.case.person, kinds=["contact_email"], notice_language="es", by=staff_cr)
    services.update_permit(
        process=approved,
        by=staff_cr,
        permit_type="Residencia temporal",
        permit_expires_on=date.today() + timedelta(days=30),
    )
    reminders.run()
    assert Message.objects.filter(kind=reminders.PERMIT, status="scheduled").count() == 2
    services.update_permit(
        process=approved,
        by=staff_cr,
        permit_type="Residencia temporal",
        permit_expires_on=date.today() + timedelta(days=40),
    )
    assert not Message.objects.filter(kind=reminders.PERMIT, status="scheduled").exists()
    reminders.run()
    scheduled = Message.objects.filter(kind=reminders.PERMIT, status="scheduled")
    assert {load_context(m.context)["expires_on"] for m in scheduled} == {date.today() + timedelta(days=40)}


def test_the_permit_page_by_persona_and_on_the_case_page(approved, staff_cr_client, officer_cr_client, staff_pa_client):
    url = reverse("cases:process-permit", args=[approved.pk])
    assert staff_cr_client.get(url).context["form"]["permit_number"].value() == "DIMEX 1"
    payload = {"permit_type": "Residencia permanente", "permit_number": "RP-9", "permit_expires_on": ""}
    response = assert_personas(url, payload, staff_cr_client, officer_cr_client, staff_pa_client)
    assert response.status_code == 302
    page = staff_cr_client.get(reverse("cases:case-detail", args=[approved.case_id])).content.decode()
    assert "Residencia permanente" in page and "RP-9" in page and "Record or correct the permit" in page


def test_a_bad_permit_is_refused_on_the_form_and_kept(approved, staff_cr_client):
    url = reverse("cases:process-permit", args=[approved.pk])
    expiry = (approved.decided_at - timedelta(days=1)).isoformat()
    response = staff_cr_client.post(url, {"permit_type": "Tipo", "permit_number": "ok-1", "permit_expires_on": expiry})
    assert response.status_code == 400
    assert "must expire after the date of approval" in response.content.decode()
    assert response.context["form"]["permit_type"].value() == "Tipo"


def test_approving_through_the_stage_form_without_a_permit_type_is_refused(process_cr, staff_cr, staff_cr_client):
    process_cr.checklist.update(status=ChecklistStatus.RECEIVED)
    for stage in (Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED):
        services.move_process(process=process_cr, to=stage, by=staff_cr)
    url = reverse("cases:process-move", args=[process_cr.pk])
    response = staff_cr_client.post(url, {"to": "approved", "permit_number": "P-77"})
    assert response.status_code == 400
    assert "Enter the type of permit granted." in response.content.decode()
    assert response.context["form"]["permit_number"].value() == "P-77"


# --- Appointments -----------------------------------------------------------------------------------------


@pytest.fixture
def appointment(process_cr, staff_cr, person_cr):
    Person.objects.filter(pk=person_cr.pk).update(whatsapp="+50688887777")
    services.record_consent(person=person_cr, kinds=["contact_whatsapp"], notice_language="es", by=staff_cr)
    at = timezone.now() + timedelta(hours=30)
    return services.book_appointment(process=process_cr, at=at, place="DGME", purpose="Entrevista", by=staff_cr)


def test_moving_an_appointment_moves_its_reminders_with_the_new_time_and_place(appointment, staff_cr):
    reminders.run()
    assert Message.objects.filter(kind=reminders.APPOINTMENT, status="scheduled").count() == 2
    new_at = (timezone.now() + timedelta(hours=40)).replace(second=0, microsecond=0)
    services.move_appointment(appointment=appointment, at=new_at, place="DGME, La Uruca", purpose="", by=staff_cr)
    scheduled = Message.objects.filter(kind=reminders.APPOINTMENT, status="scheduled")
    assert sorted(scheduled.values_list("channel", flat=True)) == ["email", "whatsapp"]
    assert {load_context(m.context)["place"] for m in scheduled} == {"DGME, La Uruca"}
    assert {load_context(m.context)["at"] for m in scheduled} == {new_at}
    assert Message.objects.filter(kind=reminders.APPOINTMENT, status="cancelled").count() == 2
    reminders.run()  # the next scan agrees: nothing more queued, nothing cancelled
    assert Message.objects.filter(kind=reminders.APPOINTMENT, status="scheduled").count() == 2
    assert appointment.process.case.timeline.filter(kind=TimelineEntry.Kind.APPOINTMENT_MOVED).exists()
    assert AuditEntry.objects.filter(object_id=str(appointment.pk), details__fields=["at", "place", "purpose"]).exists()


def test_changing_only_the_place_refreshes_the_reminder_text(appointment, staff_cr):
    reminders.run()
    services.move_appointment(
        appointment=appointment, at=appointment.at, place="Oficina Upala", purpose="", by=staff_cr
    )
    scheduled = Message.objects.filter(kind=reminders.APPOINTMENT, status="scheduled")
    assert scheduled.count() == 2
    assert {load_context(m.context)["place"] for m in scheduled} == {"Oficina Upala"}


def test_cancelling_an_appointment_cancels_its_reminders_and_keeps_the_record(appointment, staff_cr):
    reminders.run()
    case = appointment.process.case
    services.cancel_appointment(appointment=appointment, by=staff_cr)
    assert not Appointment.objects.exists()
    assert not Message.objects.filter(status="scheduled").exists()
    entry = case.timeline.get(kind=TimelineEntry.Kind.APPOINTMENT_CANCELLED)
    assert "cancelled" in entry.text()
    assert AuditEntry.objects.filter(object_id=str(appointment.pk), details__cancelled=True).exists()
    reminders.run()
    assert not Message.objects.filter(status="scheduled").exists()


def test_an_appointment_cannot_move_into_the_past_nor_a_past_one_be_cancelled(appointment, staff_cr):
    with pytest.raises(CaseError, match="future"):
        services.move_appointment(
            appointment=appointment, at=timezone.now() - timedelta(hours=1), place="X", purpose="", by=staff_cr
        )
    Appointment.objects.filter(pk=appointment.pk).update(at=timezone.now() - timedelta(days=1))
    with pytest.raises(CaseError, match="already taken place"):
        services.cancel_appointment(appointment=appointment, by=staff_cr)


def test_the_appointment_pages_by_persona(appointment, staff_cr_client, officer_cr_client, staff_pa_client):
    url = reverse("cases:appointment-edit", args=[appointment.pk])
    assert staff_cr_client.get(url).status_code == 200
    at = timezone.localtime(timezone.now() + timedelta(days=3), appointment.process.case.window.country.zoneinfo)
    payload = {"at": at.strftime("%Y-%m-%dT%H:%M"), "place": "DGME Limón"}
    assert assert_personas(url, payload, staff_cr_client, officer_cr_client, staff_pa_client).status_code == 302
    appointment.refresh_from_db()
    assert appointment.place == "DGME Limón"
    assert appointment.at == at.replace(second=0, microsecond=0)  # typed in the country's local time
    page = staff_cr_client.get(reverse("cases:case-detail", args=[appointment.process.case_id])).content.decode()
    assert "Appointment moved to" in page and "Cancel the appointment" in page

    cancel = reverse("cases:appointment-cancel", args=[appointment.pk])
    assert staff_cr_client.get(cancel).status_code == 405
    assert officer_cr_client.post(cancel).status_code == 403
    assert staff_pa_client.post(cancel).status_code == 404
    assert staff_cr_client.post(cancel).status_code == 302
    assert not Appointment.objects.exists()


def test_a_past_time_is_refused_on_the_move_form_and_kept(appointment, staff_cr_client):
    url = reverse("cases:appointment-edit", args=[appointment.pk])
    response = staff_cr_client.post(url, {"at": "2020-01-01T09:00", "place": "Otra oficina"})
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    assert response.context["form"]["place"].value() == "Otra oficina"


# --- Household --------------------------------------------------------------------------------------------


@pytest.fixture
def child(case_cr, person_cr, staff_cr):
    data = {"relationship": "child", "given_names": "Luis", "age_group": "0-11", "sex": "male"}
    return services.add_household_member(person=person_cr, by=staff_cr, data=data)


def test_household_members_are_changed_and_removed_with_audit_and_timeline(child, case_cr, staff_cr):
    services.update_household_member(member=child, by=staff_cr, data={"age_group": "12-17", "relationship": "child"})
    child.refresh_from_db()
    assert child.age_group == "12-17"
    services.remove_household_member(member=child, by=staff_cr)
    assert not HouseholdMember.objects.exists()
    texts = [e.text() for e in case_cr.timeline.filter(kind=TimelineEntry.Kind.HOUSEHOLD).order_by("pk")]
    assert texts == [
        "Household member added: Child.",
        "Household member changed: Child.",
        "Household member removed: Child.",
    ]
    rows = AuditEntry.objects.filter(object_type="cases.householdmember", object_id=str(child.pk)).order_by("pk")
    assert [(r.action, r.details) for r in rows] == [
        ("create", {}),
        ("change", {"fields": ["age_group"]}),
        ("change", {"removed": True, "relationship": "child"}),
    ]
    assert "Luis" not in str([r.details for r in rows])


def test_the_household_pages_by_persona(child, staff_cr_client, officer_cr_client, staff_pa_client):
    url = reverse("cases:household-edit", args=[child.pk])
    assert staff_cr_client.get(url).context["form"]["given_names"].value() == "Luis"
    payload = {"relationship": "child", "given_names": "Luis Ángel", "age_group": "0-11", "sex": "male"}
    assert assert_personas(url, payload, staff_cr_client, officer_cr_client, staff_pa_client).status_code == 302
    page = staff_cr_client.get(reverse("cases:person-detail", args=[child.person_id])).content.decode()
    assert "Luis Ángel" in page

    remove = reverse("cases:household-remove", args=[child.pk])
    assert staff_cr_client.get(remove).status_code == 405
    assert officer_cr_client.post(remove).status_code == 403
    assert staff_pa_client.post(remove).status_code == 404
    assert staff_cr_client.post(remove).status_code == 302
    assert not HouseholdMember.objects.exists()


def test_a_bad_household_change_is_refused_and_kept(child, staff_cr_client):
    url = reverse("cases:household-edit", args=[child.pk])
    response = staff_cr_client.post(url, {"relationship": "cousin", "given_names": "Luisito", "age_group": "0-11"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"]["given_names"].value() == "Luisito"
    child.refresh_from_db()
    assert child.given_names == "Luis"


# --- Contact channels -------------------------------------------------------------------------------------


def test_contact_channels_need_the_detail_and_a_consent_in_force(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, phone="+506 8888 1111", email="ana@example.org")
    assert services.contact_channels(person) == []
    services.record_consent(
        person=person, kinds=["contact_phone", "contact_email", "contact_whatsapp"], notice_language="es", by=staff_cr
    )
    assert services.contact_channels(person) == ["sms", "email"]  # no WhatsApp number on record
    services.withdraw_consent(person=person, kind="contact_email", by=staff_cr)
    assert services.contact_channels(person) == ["sms"]
    person.whatsapp = "+50688887777"
    assert services.contact_channels(person) == ["whatsapp", "sms"]
    services.record_consent(person=person, kinds=["contact_email"], notice_language="es", by=staff_cr)
    assert services.contact_channels(person) == ["whatsapp", "sms", "email"]
    services.erase_person(person=person, by=staff_cr)
    assert services.contact_channels(Person.objects.get(pk=person.pk)) == []


# --- Erasure and subject access ---------------------------------------------------------------------------


def test_staff_request_an_erasure_and_an_administrator_confirms_it(person_cr, staff_cr_client, admin_client):
    url = reverse("cases:person-erase", args=[person_cr.pk])
    assert staff_cr_client.post(url, {"confirmation": str(person_cr.pk)}).status_code == 302
    person_cr.refresh_from_db()
    assert person_cr.erasure_requested_at and not person_cr.anonymised_at
    assert AuditEntry.objects.filter(action="change", person_id=person_cr.pk, details__erasure_requested=True).exists()
    assert "an administrator confirms the erasure" in admin_client.get(person_cr.get_absolute_url()).content.decode()

    wrong = admin_client.post(url, {"confirmation": "999999"})
    assert wrong.status_code == 400
    assert "The number typed is not this person" in wrong.content.decode()
    assert wrong.context["form"]["confirmation"].value() == "999999"
    assert not Person.objects.get(pk=person_cr.pk).anonymised_at

    assert admin_client.post(url, {"confirmation": f"#{person_cr.pk}"}).status_code == 302
    person_cr.refresh_from_db()
    assert person_cr.anonymised_at and person_cr.given_names == "—"
    entry = AuditEntry.objects.get(action="erase", person_id=person_cr.pk)
    assert entry.details["requested"] is True


def test_the_erase_page_by_persona(person_cr, staff_cr_client, officer_cr_client, staff_pa_client):
    url = reverse("cases:person-erase", args=[person_cr.pk])
    assert "Record the request to be erased" in staff_cr_client.get(url).content.decode()
    assert officer_cr_client.get(url).status_code == 403
    assert staff_pa_client.get(url).status_code == 404
    assert staff_cr_client.put(url).status_code == 405
    staff_cr_client.post(url)
    person_cr.refresh_from_db()
    assert not person_cr.anonymised_at
    again = staff_cr_client.post(url, follow=True)
    assert "already requested" in again.content.decode()


def test_subject_access_export_by_persona(person_cr, staff_cr_client, officer_cr_client, staff_pa_client, staff_cr):
    url = reverse("cases:person-export", args=[person_cr.pk])
    assert officer_cr_client.get(url).status_code == 403
    assert staff_pa_client.get(url).status_code == 404
    assert staff_cr_client.post(url).status_code == 405
    assert staff_cr_client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="export", person_id=person_cr.pk, user=staff_cr).count() == 1


# --- Demo -------------------------------------------------------------------------------------------------


def test_the_demo_loads_twice_without_duplicating_anything(settings):
    from django.apps import apps

    from cases import demo
    from ventanillas import demo as ventanillas_demo

    settings.DEBUG = True
    ventanillas_demo.load()
    demo.load()

    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_app_config("cases").get_models()}

    first = counts()
    assert first["cases.Case"] >= 100 and first["cases.Consultation"] >= 100
    demo.load()
    assert counts() == first
