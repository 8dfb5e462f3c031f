"""Input that used to reach the database unchecked or break a page: appointments in year 9999 or year 1,
record numbers that are digits only to `str.isdigit` ("²") or too large for a column; and the create forms
of a case (household members, appointments, follow-ups, referrals) sent twice, in sequence and at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Appointment, FollowUp, HouseholdMember, Referral
from cases.services import CaseError
from notifications.models import Message
from tests.concurrency import run_together
from ventanillas.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

SOON = (date.today() + timedelta(days=40)).isoformat()


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("9999-12-31T23:59", "Give a date no more than 2 years ahead."),
        (f"{date.today() + timedelta(days=3 * 366):%Y-%m-%d}T09:00", "Give a date no more than 2 years ahead."),
        ("0001-01-01T00:00", "Choose a time in the future."),
        ("2020-01-01T09:00", "Choose a time in the future."),
    ],
)
def test_an_appointment_out_of_range_is_refused_and_the_case_page_still_opens(
    staff_cr_client, process_cr, english, at, message
):
    url = reverse("cases:appointment-create", args=[process_cr.pk])
    response = staff_cr_client.post(url, {"at": at, "place": "DGME", "purpose": "Entrevista"})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "DGME" in page  # what was typed is kept
    assert not Appointment.objects.exists()
    assert staff_cr_client.get(process_cr.case.get_absolute_url()).status_code == 200


def test_the_service_refuses_an_appointment_no_page_could_read(process_cr, staff_cr):
    from zoneinfo import ZoneInfo

    far = datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo("America/Costa_Rica"))
    with pytest.raises(CaseError) as refused:
        services.book_appointment(process=process_cr, at=far, place="DGME", purpose="", by=staff_cr)
    assert refused.value.field == "at"
    soon = timezone.now() + timedelta(days=2)
    appointment = services.book_appointment(process=process_cr, at=soon, place="DGME", purpose="", by=staff_cr)
    with pytest.raises(CaseError):
        services.move_appointment(appointment=appointment, at=far, place="DGME", purpose="", by=staff_cr)


def test_a_follow_up_due_in_year_9999_is_refused(staff_cr_client, case_cr, staff_cr, english):
    url = reverse("cases:followup-create", args=[case_cr.pk])
    response = staff_cr_client.post(url, {"due_on": "9999-12-31", "assigned_to": staff_cr.pk, "note": "Llamar"})
    assert response.status_code == 400 and "Give a date between 2000-01-01 and" in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("number", ["²", "99999999999999999999", "٣", "#9223372036854775808", "0"])
def test_record_numbers_no_column_can_hold_find_nothing_instead_of_failing(staff_cr_client, person_cr, number):
    assert staff_cr_client.get(reverse("cases:case-list"), {"q": number}).status_code == 200
    assert staff_cr_client.get(reverse("cases:case-list"), {"q": number, "export": "csv"}).status_code in (200, 403)
    assert staff_cr_client.get(reverse("cases:person-search"), {"consultation": number}).status_code == 200
    assert staff_cr_client.get(reverse("cases:person-create"), {"consultation": number}).status_code == 200
    create_case = reverse("cases:case-create", args=[person_cr.pk])
    assert staff_cr_client.get(create_case, {"consultation": number}).status_code == 200


# --- the create forms of a case, sent twice ----------------------------------------------------------------


@pytest.fixture
def forms_of_a_case(process_cr, staff_cr, cr):
    case = process_cr.case
    services.record_consent(person=case.person, kinds=["share_partners"], notice_language="es", by=staff_cr)
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr, services=["legal"])
    return [
        (reverse("cases:household-add", args=[case.person_id]), HouseholdMember,
         {"relationship": "child", "age_group": "0-11", "sex": "female"}),
        (reverse("cases:appointment-create", args=[process_cr.pk]), Appointment,
         {"at": f"{SOON}T09:00", "place": "DGME", "purpose": "Entrevista"}),
        (reverse("cases:followup-create", args=[case.pk]), FollowUp,
         {"due_on": SOON, "assigned_to": staff_cr.pk, "note": "Llamar"}),
        (reverse("cases:referral-create", args=[case.pk]), Referral, {"partner": partner.pk, "service": "legal"}),
    ]  # fmt: skip


def _token(client: Client, url: str) -> str:
    return str(client.get(url).context["form"].initial["form_token"])


def test_each_create_form_sent_twice_makes_one_record(staff_cr_client, forms_of_a_case):
    for url, model, data in forms_of_a_case:
        token = _token(staff_cr_client, url)
        first = staff_cr_client.post(url, {**data, "form_token": token})
        second = staff_cr_client.post(url, {**data, "form_token": token})
        assert first.status_code == second.status_code == 302, (url, second.content.decode()[:500])
        assert first["Location"] == second["Location"]
        assert model.objects.count() == 1, model
    # One appointment: one set of reminders to queue, not two.
    assert Message.objects.filter(kind__startswith="cases.appointment").count() <= 2


def test_a_new_form_makes_a_new_record(staff_cr_client, forms_of_a_case):
    url, model, data = forms_of_a_case[2]
    for _n in range(2):
        staff_cr_client.post(url, {**data, "form_token": _token(staff_cr_client, url)})
    assert model.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL")
def test_each_create_form_sent_at_the_same_instant_makes_one_record(staff_cr, forms_of_a_case):
    for n, (url, model, data) in enumerate(forms_of_a_case):
        token = f"7d444840-9dc0-11d1-b245-5ffdce74fa{n:02d}"
        clients = [Client() for _n in range(4)]
        for client in clients:  # signed in before the barrier: the four requests alone run at once
            client.force_login(staff_cr)
        statuses: list[int] = []

        def post(i: int, url=url, data=data, token=token, clients=clients, statuses=statuses) -> None:
            statuses.append(clients[i].post(url, {**data, "form_token": token}).status_code)

        assert run_together(post, 4) == []
        assert statuses == [302] * 4, (url, statuses)
        assert model.objects.count() == 1, model
