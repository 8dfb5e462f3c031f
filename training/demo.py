"""Demo data, read from data/demo/training.json: courses in several countries and languages, sessions past
and coming, one full session with a waitlist, attendance and certificates. SAMPLE CONTENT: titles, venues and
people are invented for the demonstration and must be replaced before real use.

Idempotent: courses are found by their Spanish title, sessions by course and venue, participants by
e-mail. The demo writes enrolments in their states directly (no messages are queued for invented
people) and recomputes each session's seat counter from them; the results of the past session are
closed with the real service, which issues the certificates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ventanillas.models import Country
from ventanillas.reference import read_data

from . import services
from .models import SEAT_HOLDING, Course, Enrolment, Participant, Session, Status, default_meeting_days


def _participant(n: int, country: Country, language: str, people: dict) -> Participant:
    first_names, last_names = people["first_names"], people["last_names"]
    name = f"{first_names[n % len(first_names)]} {last_names[(n * 7) % len(last_names)]}"
    email = f"participante{n}@demo.example"
    # the address is encrypted: the demo participant is found again by its keyed hash
    participant = Participant.objects.with_email(email).first() or Participant(email=email)
    participant.name = name
    participant.sector = people["sectors"][n % len(people["sectors"])]
    participant.sex = people["sexes"][n % len(people["sexes"])]
    participant.country = country
    participant.language = language
    participant.institution = people["institution"]
    participant.save()
    return participant


def _course(data: dict, description: dict[str, str], countries: dict[str, Country]) -> Course:
    titles = data["title"]
    course, _created = Course.objects.update_or_create(
        title_es=titles["es"],
        defaults={
            "title": titles["es"],
            **{f"title_{lang}": title for lang, title in titles.items() if lang != "es"},
            **{f"description_{lang}": text for lang, text in description.items()},
            "country": countries.get(data["country"]) if data["country"] else None,
            "language": data["language"],
            "modality": data["modality"],
            "hours": Decimal(data["hours"]),
            "sectors": data["sectors"],
        },
    )
    return course


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    countries = {c.code: c for c in Country.objects.all()}
    if not countries:
        return []
    data = read_data("demo/training.json")
    trainer = get_user_model().objects.filter(username="trainer").first()
    courses = [_course(item, data["course_description"], countries) for item in data["courses"]]
    sessions = [
        (course, item) for course, row in zip(courses, data["courses"], strict=True) for item in row["sessions"]
    ]
    today = timezone.localdate()
    person = 0
    for course, item in sessions:
        code, venue, offset, days = item["country"], item["venue"], item["starts_in_days"], item["days"]
        capacity, taught, enrolled = item["capacity"], item["taught_by_demo_trainer"], item["enrolled"]
        starts_on = today + dt.timedelta(days=offset)
        ends_on = starts_on + dt.timedelta(days=days - 1)
        meeting_days = [day.isoformat() for day in default_meeting_days(starts_on, ends_on)]  # weekends off
        session = Session.objects.filter(course=course, venue=venue).first()
        if session is None:
            session = Session.objects.create(
                course=course,
                country=countries[code],
                venue=venue,
                starts_on=starts_on,
                ends_on=ends_on,
                meeting_days=meeting_days,
                capacity=capacity,
            )
        elif not session.finalised_at:
            Session.objects.filter(pk=session.pk).update(
                starts_on=starts_on, ends_on=ends_on, meeting_days=meeting_days
            )
            session.refresh_from_db()
        if taught and trainer:
            session.trainers.add(trainer)
        for n in range(enrolled):
            person += 1
            participant = _participant(person, countries[code], course.language, data["participants"])
            seat = n < capacity
            Enrolment.objects.get_or_create(
                session=session,
                participant=participant,
                defaults={
                    "status": Status.CONFIRMED if seat else Status.WAITLISTED,
                    "confirmed_at": timezone.now() if seat else None,
                    "waitlisted_at": None if seat else timezone.now() + dt.timedelta(seconds=n),
                },
            )
        Session.objects.filter(pk=session.pk).update(
            seats_taken=session.enrolments.filter(status__in=SEAT_HOLDING).count()
        )
        session.refresh_from_db()
        if session.ends_on < today and not session.finalised_at:
            _close_past_session(session, trainer)
    if stdout:
        stdout.write(f"training: {len(courses)} courses, {len(sessions)} sessions\n")
    return []


def _close_past_session(session: Session, trainer) -> None:
    """Attendance for every day (most present, one often absent), then the real results and certificates."""
    enrolments = list(session.enrolments.filter(status=Status.CONFIRMED).order_by("pk"))
    for day_number, day in enumerate(session.days):
        marks = {}
        for n, enrolment in enumerate(enrolments):
            if n == 0:
                marks[enrolment.pk] = "absent"
            elif n == 1 and day_number == 0:
                marks[enrolment.pk] = "late"
            else:
                marks[enrolment.pk] = "present"
        services.record_attendance(session=session, day=day, marks=marks, by=trainer)
    services.finalise_session(session=session)
