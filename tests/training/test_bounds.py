"""Input that used to reach the database unchecked and break pages: far dates on sessions, an e-mail longer
than its column, bulk lines longer than their columns or holding a NUL byte, a field over 131,072
characters; and double submissions of the course and session forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.concurrency import run_together
from training import services
from training.models import Course, Enrolment, Participant, Session

from .factories import CourseFactory
from .test_public_views import form_data
from .test_publishing import course_data, session_data
from .test_staff_views import HEADER, csv_file

pytestmark = pytest.mark.django_db

NEW_SESSION = "/en/training/staff/sessions/new/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "9999-12-31", "A session lasts at most a year."),
        ("enrolment_opens_at", "9999-12-31T23:59", "Enrolment opens and closes before the session&#x27;s last day."),
        ("enrolment_closes_at", "9999-12-31T23:59", "Enrolment opens and closes before the session&#x27;s last day."),
        ("enrolment_opens_at", "0001-01-01T00:00", "Enrolment opens and closes before the session&#x27;s last day."),
        ("starts_on", "9999-12-30", "A session starts no later than"),
    ],
)
def test_a_session_with_a_date_no_page_could_read_is_refused_on_the_form(trainer_client, cr, field, value, message):
    course = CourseFactory(country=cr)
    data = session_data(course, cr, **{field: value})
    if field == "starts_on":
        data["ends_on"] = "9999-12-31"
    response = trainer_client.post(NEW_SESSION, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert value in response.content.decode()  # what was typed is kept
    assert not Session.objects.exists()
    assert Client().get("/en/training/").status_code == 200


def test_the_service_refuses_the_same_dates_whoever_calls_it(trainer, cr):
    course = CourseFactory(country=cr)
    start = timezone.localdate() + dt.timedelta(days=3)
    base = {"course": course, "country": cr, "starts_on": start, "ends_on": start, "capacity": 10}
    with pytest.raises(services.TrainingError) as far:
        services.create_session(data={**base, "ends_on": dt.date(9999, 12, 31)}, trainers=[], by=trainer)
    assert far.value.field == "ends_on"
    opens = dt.datetime(9999, 12, 31, 23, 59, tzinfo=cr.zoneinfo)
    with pytest.raises(services.TrainingError) as late:
        services.create_session(data={**base, "enrolment_opens_at": opens}, trainers=[], by=trainer)
    assert late.value.field == "enrolment_opens_at"
    session = services.create_session(data=base, trainers=[], by=trainer)
    with pytest.raises(services.TrainingError):
        services.update_session(session=session, data={"ends_on": dt.date(9999, 12, 31)}, trainers=[], by=trainer)
    session.refresh_from_db()
    assert session.ends_on == start


def test_an_email_longer_than_its_column_is_refused_on_the_public_form(client, cr):
    from .factories import SessionFactory

    session = SessionFactory(country=cr)
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 313 characters
    assert len(email) > 254
    response = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr, email=email))
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("N" * 161 + ",n@mtss.example,government,female,CR,", "The column &quot;name&quot; has 161 characters"),
        ("Ana,a@mtss.example,government,female,CR," + "I" * 201, "The column &quot;institution&quot; has 201"),
        ("Ana\x00 Pérez,a@mtss.example,government,female,CR,", "The column &quot;name&quot; holds control characters"),
        (
            "Ana," + "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".org,government,female,CR,",
            "The column &quot;email&quot; has 260",
        ),
    ],
)
def test_the_preview_refuses_what_the_confirm_step_could_not_save(trainer_client, session, line, error):
    url = f"/en/training/staff/sessions/{session.pk}/import/"
    text = HEADER + "Eva Ruiz,eva@mtss.example,government,female,CR,\n" + line + "\n"
    page = trainer_client.post(url, {"file": csv_file(text)}).content.decode()
    assert error in page
    assert "1 person will be enrolled." in page
    response = trainer_client.post(f"{url}confirm/", follow=True)
    assert response.status_code == 200 and "1 participant enrolled from the file." in response.content.decode()
    assert list(Enrolment.objects.values_list("participant__email", flat=True)) == ["eva@mtss.example"]


def test_a_field_over_the_csv_limit_gets_a_message_not_a_server_error(trainer_client, session):
    url = f"/en/training/staff/sessions/{session.pk}/import/"
    text = HEADER + '"' + "x" * 131_073 + '",a@mtss.example,government,female,CR,\n'
    response = trainer_client.post(url, {"file": csv_file(text)})
    assert response.status_code == 200
    assert "Line 2 of the file cannot be read (a field is far too long)" in response.content.decode()
    assert not Participant.objects.exists()


def test_the_service_refuses_a_participant_its_columns_cannot_hold(session, cr):
    from .conftest import person

    with pytest.raises(services.TrainingError):
        services.enrol_verified(session=session, data=person(1, cr, name="N" * 161))
    with pytest.raises(services.TrainingError):
        services.enrol_verified(session=session, data=person(2, cr, institution="nul\x00"))
    assert not Participant.objects.exists()


# --- double submissions ------------------------------------------------------------------------------------


def _token(client, url: str) -> str:
    return str(client.get(url).context["form"].initial["form_token"])


def test_the_course_form_sent_twice_makes_one_course(trainer_client, cr):
    token = _token(trainer_client, "/en/training/staff/courses/new/")
    for _n in range(2):
        assert (
            trainer_client.post("/en/training/staff/courses/new/", {**course_data(cr), "form_token": token}).status_code
            == 302
        )
    assert Course.objects.count() == 1
    other = _token(trainer_client, "/en/training/staff/courses/new/")
    trainer_client.post("/en/training/staff/courses/new/", {**course_data(cr), "form_token": other})
    assert Course.objects.count() == 2  # a new form is a new course


def test_the_session_form_sent_twice_makes_one_session_and_lands_on_it(trainer_client, cr):
    course = CourseFactory(country=cr)
    token = _token(trainer_client, NEW_SESSION)
    first = trainer_client.post(NEW_SESSION, {**session_data(course, cr), "form_token": token})
    second = trainer_client.post(NEW_SESSION, {**session_data(course, cr), "form_token": token})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL")
@pytest.mark.parametrize("kind", ["course", "session"])
def test_the_same_form_sent_at_the_same_instant_makes_one_record(trainer, cr, kind):
    course = CourseFactory(country=cr)
    url = "/en/training/staff/courses/new/" if kind == "course" else NEW_SESSION
    data = course_data(cr) if kind == "course" else session_data(course, cr)
    data["form_token"] = "7d444840-9dc0-11d1-b245-5ffdce74fad2"
    clients = [Client() for _n in range(4)]
    for client in clients:  # signed in before the barrier: the four requests alone run at once
        client.force_login(trainer)
    statuses: list[int] = []

    def post(i: int) -> None:
        statuses.append(clients[i].post(url, data).status_code)

    assert run_together(post, 4) == []
    assert statuses == [302] * 4
    model = Course if kind == "course" else Session
    assert model.objects.count() == (2 if kind == "course" else 1)  # the factory's course, and one more


def test_a_nul_byte_in_a_cancellation_reason_is_refused_with_a_message(trainer_client, session, enrol):
    enrolment = enrol(session, 1)
    response = trainer_client.post(
        f"/en/training/staff/enrolments/{enrolment.pk}/cancel/", {"reason": "Se mudó\x00"}, follow=True
    )
    assert response.status_code == 400  # refused before any view, with the translated 400 page
    assert "Request not understood" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status != "cancelled"
