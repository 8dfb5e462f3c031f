"""A participant's subject-access export: what an administrator downloads when the person asks for what is held
on them. It holds their identity, enrolments, attendance, certificates, whether they still want our messages and
the messages written to them (those queued before messages named a person too, found by the address), nothing of
anyone else; it is audited; no one but an administrator can download it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from cases.models import AuditEntry
from notifications.services import enqueue
from tests.conftest import _client_for
from tests.factories import Role, UserFactory, member
from training import services
from training.models import Attendance, AttendanceMark, Certificate, Status

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/training/participant/"


@pytest.fixture
def ana(cr, session, enrol):
    enrolment = enrol(session, 1, name="Ana Pérez Solís", phone="+506 8888 1234", institution="Ministerio de Trabajo")
    Attendance.objects.create(enrolment=enrolment, day=session.starts_on, mark=AttendanceMark.LATE)
    Certificate.objects.create(
        enrolment=enrolment, code="ABCDEFGHJK", participant_name="Ana Pérez Solís", course_title="Curso",
        hours=12, completed_on=session.ends_on,
    )  # fmt: skip
    # queued before messages named their person: found only by the address (any case)
    enqueue(kind="training.reminder", channel="email", recipient="PERSONA1@ministerio.example", language="es",
            template="t", context={"name": "Ana"}, key="old-ana")  # fmt: skip
    services.unsubscribe(enrolment=enrolment)
    return enrolment.participant


@pytest.fixture
def bruno(session, enrol):
    enrolment = enrol(session, 2, name="Bruno Díaz", institution="Municipalidad")
    enqueue(kind="training.reminder", channel="email", recipient="persona2@ministerio.example", language="es",
            template="t", context={"name": "Bruno"}, key="old-bruno")  # fmt: skip
    return enrolment.participant


def test_the_export_holds_the_persons_data_and_every_message_written_to_them_and_nobody_elses(
    ana, bruno, session, admin_user
):
    data = services.export_participant_data(participant=ana, by=admin_user)

    identity = data["participant"]
    assert (identity["name"], identity["email"], identity["phone"], identity["institution"]) == (
        "Ana Pérez Solís", "persona1@ministerio.example", "+506 8888 1234", "Ministerio de Trabajo",
    )  # fmt: skip
    assert data["messages_allowed"] is False and data["unsubscribed_at"]
    [enrolment] = data["enrolments"]
    assert enrolment["status"] == Status.CONFIRMED and enrolment["course"] == session.course.title
    assert enrolment["session"]["starts_on"] == session.starts_on.isoformat()
    assert enrolment["attendance"] == [{"day": session.starts_on.isoformat(), "mark": "late"}]
    assert enrolment["certificate"]["code"] == "ABCDEFGHJK" and enrolment["certificate"]["status"] == "valid"

    recipients = {m["recipient"] for m in data["messages"]}
    assert recipients == {"persona1@ministerio.example", "PERSONA1@ministerio.example"}
    assert "training.reminder" in {m["kind"] for m in data["messages"]}  # the old one, naming no person
    assert len(data["messages"]) >= 2
    dump = json.dumps(data, ensure_ascii=False)
    assert "Bruno" not in dump and "persona2" not in dump and "Municipalidad" not in dump


def test_the_export_writes_an_audit_row(ana, admin_user):
    services.export_participant_data(participant=ana, by=admin_user)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_type="training.participant")
    assert entry.object_id == str(ana.pk) and entry.user == admin_user
    assert entry.details == {"kind": "subject_access"}


def test_an_administrator_downloads_one_participant_as_json_from_the_admin(ana, bruno, admin_user):
    client = _client_for(admin_user)
    response = client.post(ADMIN_LIST, {"action": "export_data", "_selected_action": [ana.pk]})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="participant-{ana.pk}.json"'
    assert json.loads(response.content)["participant"]["name"] == "Ana Pérez Solís"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(ana.pk)).count() == 1


def test_selecting_several_participants_says_to_choose_one_and_downloads_nothing(ana, bruno, admin_user):
    client = _client_for(admin_user)
    response = client.post(ADMIN_LIST, {"action": "export_data", "_selected_action": [ana.pk, bruno.pk]}, follow=True)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Seleccione un solo participante" in page  # (admin in es)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_staff_account_that_is_not_an_administrator_cannot_download_or_erase(ana, cr):
    trainer = UserFactory(username="trainer_staff", is_staff=True)
    member(trainer, Role.TRAINER, country_obj=cr)
    trainer.user_permissions.add(*Permission.objects.filter(content_type__app_label="training"))
    client = _client_for(trainer)
    page = client.get(ADMIN_LIST)
    assert page.status_code == 200 and "Ana Pérez Solís" in page.content.decode()  # the list itself it may read
    assert 'value="export_data"' not in page.content.decode() and 'value="erase"' not in page.content.decode()

    for action in ("export_data", "erase"):
        response = client.post(ADMIN_LIST, {"action": action, "_selected_action": [ana.pk]})
        assert response.status_code == 302 and "Content-Disposition" not in response
    assert not AuditEntry.objects.filter(action__in=[AuditEntry.Action.EXPORT, AuditEntry.Action.ERASE]).exists()
    ana.refresh_from_db()
    assert ana.anonymised_at is None


def test_the_export_of_an_erased_participant_holds_no_name_address_or_message_text(ana, admin_user):
    """After an erasure the export says what is left: no name, no address, no message text."""
    services.erase_participant(participant=ana, by=admin_user)
    data = services.export_participant_data(participant=ana, by=admin_user)
    assert data["participant"]["name"] == "—" and data["participant"]["email"] == ""
    assert data["participant"]["anonymised_at"]
    assert all(m["recipient"] == "" and m["body"] == "" for m in data["messages"])
    assert data["enrolments"][0]["certificate"]["name"] == "—"
