"""A session meets on some days of its period only (weekends off by default); attendance and completion count those."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from training import services
from training.models import Enrolment, Session, Status

from .conftest import person
from .factories import SessionFactory
from .test_publishing import session_data

pytestmark = pytest.mark.django_db


def next_friday(after_days: int = 20) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(4 - day.weekday()) % 7)


def iso(*days: dt.date) -> list[str]:
    return [day.isoformat() for day in days]


def test_without_meeting_days_a_session_meets_on_weekdays_and_its_first_and_last_day(cr):
    friday = next_friday()
    session = SessionFactory(country=cr, starts_on=friday, ends_on=friday + dt.timedelta(days=4), meeting_days=[])
    assert session.days == [friday + dt.timedelta(days=n) for n in (0, 3, 4)]  # Friday, Monday, Tuesday
    saturday = friday + dt.timedelta(days=1)
    weekend = SessionFactory(country=cr, starts_on=saturday, ends_on=saturday + dt.timedelta(days=1), meeting_days=[])
    assert weekend.days == [saturday, saturday + dt.timedelta(days=1)]


def test_a_new_session_skips_the_weekend_unless_told_otherwise(trainer_client, cr):
    friday = next_friday()
    tuesday = friday + dt.timedelta(days=4)
    course = SessionFactory(country=cr).course
    data = session_data(course, cr, starts_on=friday.isoformat(), ends_on=tuesday.isoformat(), meeting_days="")
    assert trainer_client.post("/es/training/staff/sessions/new/", data).status_code == 302
    weekdays = Session.objects.latest("pk")
    assert weekdays.meeting_days == iso(friday, friday + dt.timedelta(days=3), tuesday)
    data["meeting_days"] = f"{friday.isoformat()}, {(friday + dt.timedelta(days=1)).isoformat()}\n{tuesday.isoformat()}"
    assert trainer_client.post("/es/training/staff/sessions/new/", data).status_code == 302
    chosen = Session.objects.latest("pk")
    assert chosen.days == [friday, friday + dt.timedelta(days=1), tuesday]
    page = trainer_client.get(f"/en/training/sessions/{chosen.pk}/").content.decode()
    assert "Meeting days" in page
    edit = trainer_client.get(f"/en/training/staff/sessions/{chosen.pk}/edit/").content.decode()
    assert (friday + dt.timedelta(days=1)).isoformat() in edit


@pytest.mark.parametrize(
    ("days", "error"),
    [
        ("next friday", "“next” is not a date: write it as YYYY-MM-DD."),
        ("{before}\n{first}\n{last}", "Every meeting day must be between the first and the last day."),
        ("{last}", "The first and the last day must be meeting days."),
    ],
)
def test_wrong_meeting_days_are_kept_on_the_form(trainer_client, cr, days, error):
    friday = next_friday()
    tuesday = friday + dt.timedelta(days=4)
    text = days.format(before=(friday - dt.timedelta(days=1)).isoformat(), first=friday, last=tuesday)
    course = SessionFactory(country=cr).course
    data = session_data(course, cr, starts_on=friday.isoformat(), ends_on=tuesday.isoformat(), meeting_days=text)
    response = trainer_client.post("/en/training/staff/sessions/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert text.splitlines()[0] in page
    assert Session.objects.count() == 1


@pytest.fixture
def gapped(cr, trainer):
    """Held on the first, third and fifth day of a five-day period that ended yesterday."""
    today = timezone.localtime(timezone.now(), cr.zoneinfo).date()
    first = today - dt.timedelta(days=5)
    days = [first, first + dt.timedelta(days=2), first + dt.timedelta(days=4)]
    session = SessionFactory(country=cr, starts_on=first, ends_on=days[-1], meeting_days=iso(*days), trainers=[trainer])
    participant = services.get_or_create_participant(person(1, cr))
    Enrolment.objects.create(session=session, participant=participant, status=Status.CONFIRMED)
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    session.refresh_from_db()
    return session


def test_attendance_is_taken_on_meeting_days_only(trainer_client, gapped, trainer):
    skipped = gapped.starts_on + dt.timedelta(days=1)
    page = trainer_client.get(f"/en/training/staff/sessions/{gapped.pk}/").content.decode()
    assert f"/attendance/{gapped.starts_on.isoformat()}/" in page
    assert f"/attendance/{skipped.isoformat()}/" not in page
    assert trainer_client.get(f"/en/training/staff/sessions/{gapped.pk}/attendance/{skipped}/").status_code == 404
    enrolment = gapped.enrolments.get()
    with pytest.raises(services.TrainingError, match="not one of the session's days"):
        services.record_attendance(session=gapped, day=skipped, marks={enrolment.pk: "present"}, by=trainer)


def test_completion_counts_meeting_days_only(gapped, trainer):
    enrolment = gapped.enrolments.get()
    for day in gapped.days:
        services.record_attendance(session=gapped, day=day, marks={enrolment.pk: "present"}, by=trainer)
    # Three days present out of three meeting days: 100 %, although the period has five days (60 % < 80 %).
    assert services.attendance_rate(enrolment, gapped) == 100
    services.finalise_session(session=gapped)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.COMPLETED
