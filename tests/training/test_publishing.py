"""Trainers publish courses and sessions from the staff pages: scope, local times, capacity, moves, cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Message
from tests.conftest import _client_for
from tests.factories import Role, UserFactory, member
from training import services
from training.models import Course, Session, Status

from .conftest import outbox
from .factories import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def course_data(cr, **overrides) -> dict:
    data = {
        "title_es": "Atención a personas refugiadas",
        "description_es": "Derechos, rutas de protección y referencias.",
        "title_en": "",
        "description_en": "",
        "language": "es",
        "sectors": ["government", "judiciary"],
        "modality": "in_person",
        "hours": "16",
        "country": str(cr.pk) if cr else "",
        "completion_threshold": "75",
        "published": "on",
    }
    data.update(overrides)
    return data


def session_data(course, country, **overrides) -> dict:
    start = timezone.localdate() + dt.timedelta(days=20)
    data = {
        "course": str(course.pk),
        "country": str(country.pk),
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=1)).isoformat(),
        "start_time": "09:00",
        "end_time": "13:00",
        "venue": "Auditorio de la Dirección de Migración",
        "online_link": "",
        "capacity": "25",
        "enrolment_opens_at": "",
        "enrolment_closes_at": "",
        "published": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def regional_trainer(db):
    user = UserFactory(username="trainer_region")
    member(user, Role.TRAINER)
    return user


# --- courses --------------------------------------------------------------------------------------------


def test_a_trainer_creates_a_course_in_their_country(trainer_client, cr):
    response = trainer_client.post("/es/training/staff/courses/new/", course_data(cr))
    assert response.status_code == 302
    course = Course.objects.get()
    assert (course.title_es, course.country, course.sectors) == (
        "Atención a personas refugiadas",
        cr,
        ["government", "judiciary"],
    )
    assert "Atención a personas refugiadas" in trainer_client.get("/es/training/staff/courses/").content.decode()


def test_a_course_needs_its_title_and_description_in_the_language_of_delivery(trainer_client, cr):
    data = course_data(cr, language="en", title_en="", description_en="")
    response = trainer_client.post("/en/training/staff/courses/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write the title in the language of delivery." in page
    assert "Write the description in the language of delivery." in page
    assert "Atención a personas refugiadas" in page  # what was typed stays on the form
    assert not Course.objects.exists()


def test_a_course_threshold_must_be_a_percentage(trainer_client, cr):
    response = trainer_client.post("/en/training/staff/courses/new/", course_data(cr, completion_threshold="150"))
    assert response.status_code == 200 and "less than or equal to 100" in response.content.decode()
    assert not Course.objects.exists()


def test_a_trainer_cannot_publish_a_course_in_another_country_or_for_the_region(trainer_client, cr, pa):
    response = trainer_client.post("/en/training/staff/courses/new/", course_data(pa))
    assert "Select a valid choice" in response.content.decode()
    response = trainer_client.post("/en/training/staff/courses/new/", course_data(None))
    assert "This field is required" in response.content.decode()
    assert not Course.objects.exists()


def test_a_trainer_of_every_country_may_publish_a_regional_course(regional_trainer, cr):
    client = _client_for(regional_trainer)
    assert client.post("/es/training/staff/courses/new/", course_data(None)).status_code == 302
    assert Course.objects.get().country is None


def test_a_trainer_edits_a_course_of_their_country_but_not_of_another(trainer_client, cr, pa):
    mine, theirs = CourseFactory(country=cr), CourseFactory(country=pa)
    url = f"/es/training/staff/courses/{mine.pk}/edit/"
    assert mine.title_es in trainer_client.get(url).content.decode()
    response = trainer_client.post(url, course_data(cr, title_es="Título corregido"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.title_es == "Título corregido"
    assert trainer_client.get(f"/es/training/staff/courses/{theirs.pk}/edit/").status_code == 404


def test_course_pages_refuse_other_roles_and_methods(staff_cr_client, trainer_client, cr):
    course = CourseFactory(country=cr)
    for url in ("/es/training/staff/courses/", "/es/training/staff/courses/new/"):
        assert staff_cr_client.get(url).status_code == 403
    assert staff_cr_client.get(f"/es/training/staff/courses/{course.pk}/edit/").status_code == 403
    assert trainer_client.post("/es/training/staff/courses/").status_code == 405
    assert trainer_client.put(f"/es/training/staff/courses/{course.pk}/edit/").status_code == 405


# --- creating and editing sessions ---------------------------------------------------------------------


def test_a_trainer_creates_a_session_in_local_time_and_teaches_it(trainer_client, trainer, cr):
    course = CourseFactory(country=cr)
    start = timezone.localdate() + dt.timedelta(days=20)
    closes = f"{(start - dt.timedelta(days=2)).isoformat()}T18:00"
    response = trainer_client.post(
        "/es/training/staff/sessions/new/", session_data(course, cr, enrolment_closes_at=closes)
    )
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/staff/sessions/{session.pk}/")
    assert list(session.trainers.all()) == [trainer]
    # 18:00 in Costa Rica (UTC-6) is midnight UTC the next day.
    assert session.enrolment_closes_at == dt.datetime.combine(start - dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    assert course.title_es in trainer_client.get("/es/training/").content.decode()
    edit = trainer_client.get(f"/es/training/staff/sessions/{session.pk}/edit/").content.decode()
    assert f'value="{closes}"' in edit


def test_a_bad_session_is_kept_on_the_form(trainer_client, cr):
    course = CourseFactory(country=cr)
    start = timezone.localdate() + dt.timedelta(days=20)
    data = session_data(
        course, cr, ends_on=(start - dt.timedelta(days=1)).isoformat(), end_time="08:00", venue="", capacity="0"
    )
    response = trainer_client.post("/en/training/staff/sessions/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The last day must not be before the first day." in page
    assert "The daily end must be after the daily start." in page
    assert "This course meets in person: give the venue." in page
    assert "greater than or equal to 1" in page
    assert start.isoformat() in page
    assert "---------" not in page and "Choose…" in page
    assert not Session.objects.exists()


def test_a_session_cannot_start_in_the_past_or_be_enrolled_after_it_closes(trainer_client, cr):
    course = CourseFactory(country=cr)
    data = session_data(
        course,
        cr,
        starts_on="2020-01-06",
        ends_on="2020-01-07",
        enrolment_opens_at="2030-01-02T09:00",
        enrolment_closes_at="2030-01-01T09:00",
    )
    page = trainer_client.post("/en/training/staff/sessions/new/", data).content.decode()
    assert "The first day must not be in the past." in page
    assert "Enrolment must close after it opens." in page
    assert not Session.objects.exists()


def test_a_trainer_cannot_schedule_in_another_country(trainer_client, cr, pa):
    pa_course, cr_course = CourseFactory(country=pa), CourseFactory(country=cr)
    page = trainer_client.post("/en/training/staff/sessions/new/", session_data(cr_course, pa)).content.decode()
    assert "Select a valid choice" in page
    page = trainer_client.post("/en/training/staff/sessions/new/", session_data(pa_course, cr)).content.decode()
    assert "Select a valid choice" in page
    assert not Session.objects.exists()


def test_a_regional_trainer_runs_a_regional_course_anywhere_but_a_national_course_only_at_home(
    regional_trainer, cr, pa
):
    client = _client_for(regional_trainer)
    regional, costa_rican = CourseFactory(country=None), CourseFactory(country=cr)
    assert client.post("/es/training/staff/sessions/new/", session_data(regional, pa)).status_code == 302
    page = client.post("/en/training/staff/sessions/new/", session_data(costa_rican, pa)).content.decode()
    assert "This course belongs to Costa Rica" in page
    assert Session.objects.count() == 1


def test_an_online_course_needs_a_link(trainer_client, cr):
    course = CourseFactory(country=cr, modality="online")
    page = trainer_client.post("/en/training/staff/sessions/new/", session_data(course, cr, venue="")).content.decode()
    assert "This course meets online: give the link." in page
    data = session_data(course, cr, venue="", online_link="https://meet.example/derechos")
    assert trainer_client.post("/en/training/staff/sessions/new/", data).status_code == 302


def test_a_trainer_edits_only_the_sessions_they_teach(trainer_client, other_trainer_client, session, cr):
    url = f"/es/training/staff/sessions/{session.pk}/edit/"
    assert other_trainer_client.get(url).status_code == 404
    data = session_data(
        session.course, cr, starts_on=session.starts_on.isoformat(), ends_on=session.ends_on.isoformat()
    )
    assert other_trainer_client.post(url, data).status_code == 404
    response = trainer_client.post(url, {**data, "venue": "Sala 2"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.venue == "Sala 2"


def test_an_administrator_edits_any_session(client, session, cr):
    admin = UserFactory(username="root")
    member(admin, Role.ADMINISTRATOR)
    client.force_login(admin)
    data = session_data(
        session.course, cr, starts_on=session.starts_on.isoformat(), ends_on=session.ends_on.isoformat()
    )
    assert client.post(f"/es/training/staff/sessions/{session.pk}/edit/", data).status_code == 302
    assert admin not in session.trainers.all()


def test_session_pages_refuse_other_roles_and_methods(staff_cr_client, trainer_client, session):
    assert staff_cr_client.get("/es/training/staff/sessions/new/").status_code == 403
    assert staff_cr_client.get(f"/es/training/staff/sessions/{session.pk}/edit/").status_code == 403
    assert staff_cr_client.post(f"/es/training/staff/sessions/{session.pk}/cancel/").status_code == 403
    assert trainer_client.put(f"/es/training/staff/sessions/{session.pk}/edit/").status_code == 405
    assert trainer_client.delete(f"/es/training/staff/sessions/{session.pk}/cancel/").status_code == 405


def _edit(client, session, **changes):
    session.refresh_from_db()
    data = session_data(
        session.course,
        session.country,
        starts_on=session.starts_on.isoformat(),
        ends_on=session.ends_on.isoformat(),
        capacity=str(session.capacity),
    )
    data.update(changes)
    return client.post(f"/en/training/staff/sessions/{session.pk}/edit/", data)


def test_capacity_below_the_seats_taken_is_refused_clearly(trainer_client, session, enrol):
    for n in range(3):
        enrol(session, n)
    response = _edit(trainer_client, session, capacity="2")
    assert response.status_code == 200
    assert "The capacity cannot be lower than the 3 seats already taken: cancel enrolments first." in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.capacity == 10


def test_more_seats_are_offered_to_the_waitlist(trainer_client, cr, trainer, enrol):
    session = SessionFactory(country=cr, capacity=1, trainers=[trainer])
    enrol(session, 1)
    waiting = enrol(session, 2)
    assert _edit(trainer_client, session, capacity="2").status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert ("offer", "persona2@ministerio.example") in outbox("offer")


def test_moving_the_dates_tells_participants_and_their_reminders_follow(trainer_client, cr, trainer, enrol):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    session = SessionFactory(country=cr, trainers=[trainer], starts_on=tomorrow, ends_on=tomorrow)
    enrolment = enrol(session, 1)
    soon = session.starts_at() - dt.timedelta(hours=20)
    assert services.send_session_reminders(now=soon) == 1
    old_reminder = Message.objects.get(kind="training.reminder")
    assert old_reminder.status == Message.Status.SCHEDULED

    later = tomorrow + dt.timedelta(days=14)
    response = _edit(trainer_client, session, starts_on=later.isoformat(), ends_on=later.isoformat())
    assert response.status_code == 302
    old_reminder.refresh_from_db()
    enrolment.refresh_from_db()
    assert old_reminder.status == Message.Status.CANCELLED  # its text names the old date
    assert enrolment.reminded_at is None
    assert outbox("session_moved") == [("session_moved", "persona1@ministerio.example")]
    session.refresh_from_db()
    # Nothing is due yet for the new date; shortly before it the scan reminds again.
    assert services.send_session_reminders(now=soon) == 0
    assert services.send_session_reminders(now=session.starts_at() - dt.timedelta(hours=20)) == 1
    assert Message.objects.filter(kind="training.reminder", status=Message.Status.SCHEDULED).count() == 1


def test_changing_the_venue_alone_does_not_move_anyone(trainer_client, session, enrol):
    enrol(session, 1)
    assert _edit(trainer_client, session, venue="Sala 3").status_code == 302
    assert outbox("session_moved") == []


def test_the_days_of_a_started_session_cannot_change(trainer_client, cr, trainer, enrol):
    today = timezone.localtime(timezone.now(), cr.zoneinfo).date()
    session = SessionFactory(country=cr, trainers=[trainer], starts_on=today - dt.timedelta(days=1), ends_on=today)
    page = _edit(trainer_client, session, ends_on=(today + dt.timedelta(days=1)).isoformat()).content.decode()
    assert "The days of a session that has started cannot be changed." in page
    session.refresh_from_db()
    assert session.ends_on == today


# --- cancelling a session ------------------------------------------------------------------------------


def test_cancelling_a_session_cancels_enrolments_tells_people_and_drops_reminders(
    trainer_client, client, cr, trainer, enrol
):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    session = SessionFactory(country=cr, capacity=1, trainers=[trainer], starts_on=tomorrow, ends_on=tomorrow)
    enrol(session, 1)
    enrol(session, 2)  # waitlisted
    services.send_session_reminders(now=session.starts_at() - dt.timedelta(hours=20))
    url = f"/en/training/staff/sessions/{session.pk}/cancel/"
    assert "Every enrolment in this session will be cancelled" in trainer_client.get(url).content.decode()
    response = trainer_client.post(url, {"reason": "The venue is closed for repairs"}, follow=True)
    assert "The session was cancelled; 2 participants were told." in response.content.decode()
    session.refresh_from_db()
    assert session.cancelled_at and session.seats_taken == 0
    assert set(session.enrolments.values_list("status", flat=True)) == {Status.CANCELLED}
    assert sorted(outbox("session_cancelled")) == [
        ("session_cancelled", "persona1@ministerio.example"),
        ("session_cancelled", "persona2@ministerio.example"),
    ]
    assert not Message.objects.filter(kind="training.reminder", status=Message.Status.SCHEDULED).exists()
    assert client.get(f"/en/training/sessions/{session.pk}/").status_code == 404
    assert "Edit the session" not in trainer_client.get(f"/en/training/staff/sessions/{session.pk}/").content.decode()


def test_cancelling_needs_a_reason_and_happens_once(trainer_client, session):
    url = f"/en/training/staff/sessions/{session.pk}/cancel/"
    response = trainer_client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    trainer_client.post(url, {"reason": "No trainer available"})
    response = trainer_client.post(url, {"reason": "Again"})
    assert "This session is already cancelled." in response.content.decode()
    response = _edit(trainer_client, session, venue="Sala 9")
    assert "This session is cancelled." in response.content.decode()


def test_a_started_session_cannot_be_cancelled(trainer_client, cr, trainer):
    today = timezone.localtime(timezone.now(), cr.zoneinfo).date()
    session = SessionFactory(country=cr, trainers=[trainer], starts_on=today, ends_on=today + dt.timedelta(days=1))
    response = trainer_client.post(f"/en/training/staff/sessions/{session.pk}/cancel/", {"reason": "Rain"})
    assert "A session that has started cannot be cancelled" in response.content.decode()
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_another_trainer_cannot_cancel(other_trainer_client, session):
    response = other_trainer_client.post(f"/es/training/staff/sessions/{session.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.cancelled_at is None
