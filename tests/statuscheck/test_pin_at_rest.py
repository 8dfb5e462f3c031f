"""No PIN at rest: a status-check slip sent by WhatsApp carries its PIN to the gateway, then its stored text
keeps the PIN masked; a cancelled slip too; the subject-access export never shows one."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from cases import services as case_services
from notifications.models import Message
from notifications.services import dispatch_due
from tests.statuscheck import test_messages

pytestmark = pytest.mark.django_db

gateway = test_messages.gateway  # the stand-in gateway, as a fixture here too


def _send_slip(staff_cr_client, process) -> str:
    url = reverse("statuscheck:staff", args=[process.pk])
    response = staff_cr_client.post(url, {"form_token": str(uuid.uuid4()), "send_by": "whatsapp"})
    return response.context["pin"]


def _raw_contexts() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT context FROM notifications_message")
        return " ".join(row[0] or "" for row in cursor.fetchall())


def test_a_sent_slip_keeps_its_pin_masked(staff_cr_client, gateway, process):
    pin = _send_slip(staff_cr_client, process)
    slip = Message.objects.get(kind="statuscheck.slip")
    assert pin in slip.context and slip.secrets_held  # waiting to be sent: the PIN is needed (encrypted)
    assert dispatch_due() == {"sent": 1}
    assert pin in gateway.last_form["Body"]
    slip.refresh_from_db()
    assert pin not in slip.context and json.loads(slip.context)["pin"] == "••••••" and not slip.secrets_held
    assert pin not in _raw_contexts()


def test_a_cancelled_slip_keeps_its_pin_masked(staff_cr_client, gateway, process, staff_cr):
    pin = _send_slip(staff_cr_client, process)
    person = process.case.person
    case_services.withdraw_consent(person=person, kind="contact_whatsapp", by=staff_cr)
    slip = Message.objects.get(kind="statuscheck.slip")
    assert slip.status == "cancelled" and pin not in slip.context


def test_the_subject_access_export_never_shows_a_pin(staff_cr_client, gateway, process, staff_cr):
    pin = _send_slip(staff_cr_client, process)  # still waiting: the PIN is valid
    data = case_services.export_person_data(person=process.case.person, by=staff_cr)
    bodies = " ".join(m["body"] for m in data["messages"])
    assert "statuscheck.slip" in [m["kind"] for m in data["messages"]]
    assert pin not in bodies and "••••••" in bodies
    dispatch_due()
    data = case_services.export_person_data(person=process.case.person, by=staff_cr)
    assert pin not in " ".join(m["body"] for m in data["messages"])
