"""Demo data: courses in several countries and languages, sessions past and coming, one full session
with a waitlist, attendance and certificates. SAMPLE CONTENT: titles, venues and people are invented
for the demonstration and must be replaced before real use.

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

from . import services
from .models import SEAT_HOLDING, Course, Enrolment, Participant, Session, Status, default_meeting_days

# key (Spanish title), titles (es, en, fr, nl, ht), country code or None, language, modality, hours, sectors
COURSES = [
    (
        (
            "Derechos de las personas migrantes y regularización en Costa Rica",
            "Migrants' rights and regularization in Costa Rica",
            "Droits des personnes migrantes et régularisation au Costa Rica",
            "Rechten van migranten en legalisatie in Costa Rica",
            "Dwa moun migran ak regilarizasyon nan Kosta Rika",
        ),
        "CR",
        "es",
        "in_person",
        "12",
        ["government", "judiciary"],
    ),
    (
        (
            "Atención a personas en tránsito: primer contacto y derivación",
            "Caring for people in transit: first contact and referral",
            "Accueil des personnes en transit : premier contact et orientation",
            "Opvang van mensen op doorreis: eerste contact en doorverwijzing",
            "Akèy moun k ap pase: premye kontak ak referans",
        ),
        "PA",
        "es",
        "in_person",
        "8",
        ["government", "civil_society", "host_communities"],
    ),
    (
        (
            "Documentos de identidad y derechos de las personas haitianas",
            "Identity documents and rights of Haitian people",
            "Documents d'identité et droits des personnes haïtiennes",
            "Identiteitsdocumenten en rechten van Haïtianen",
            "Dokiman idantite ak dwa moun ayisyen",
        ),
        "DO",
        "ht",
        "mixed",
        "10",
        ["migrants", "civil_society"],
    ),
    (
        (
            "Migración y derecho de residencia en Surinam",
            "Migration and residence law in Suriname",
            "Migration et droit de séjour au Suriname",
            "Migratie en verblijfsrecht in Suriname",
            "Migrasyon ak dwa rezidans nan Sirinam",
        ),
        "SR",
        "nl",
        "in_person",
        "6",
        ["government", "private"],
    ),
    (
        (
            "Informar sobre migración con ética",
            "Reporting on migration ethically",
            "Parler des migrations avec éthique",
            "Ethisch berichten over migratie",
            "Pale sou migrasyon ak etik",
        ),
        None,
        "en",
        "online",
        "4",
        ["media", "academia"],
    ),
    (
        (
            "Acogida y reintegración de las personas retornadas",
            "Reception and reintegration of returnees",
            "Accueil et réintégration des personnes rapatriées",
            "Opvang en herintegratie van teruggekeerde personen",
            "Akèy ak reyentegrasyon moun ki retounen",
        ),
        "HT",
        "fr",
        "in_person",
        "8",
        ["government", "host_communities"],
    ),
]

# course key, session country, venue (the session's natural key; in the country's default language, which the
# pages mark it with), first day from today, days, capacity,
# taught by the demo trainer, enrolled (confirmed first, the rest waitlisted)
SESSIONS = [
    (0, "CR", "Municipalidad de San José, sala 2 (muestra)", -20, 3, 12, True, 8),
    (0, "CR", "Municipalidad de Upala, salón de actos (muestra)", 25, 2, 15, True, 4),
    (1, "PA", "Alcaldía de Panamá, auditorio (muestra)", 12, 2, 5, True, 8),
    (2, "DO", "Centro comunitario de Santo Domingo (muestra)", 18, 2, 20, False, 3),
    (3, "SR", "Ministerie van Binnenlandse Zaken, zaal 1 (voorbeeld)", 30, 1, 25, False, 2),
    (4, "CR", "En línea (muestra)", 8, 2, 40, True, 5),
    (5, "HT", "Meri Wanament, sal fèt (egzanp)", -40, 2, 20, False, 6),
]

FIRST_NAMES = ["Ana", "Luis", "María", "José", "Carmen", "Jean", "Rose", "Pedro", "Sofía", "Marc", "Lucía", "Daniel"]
LAST_NAMES = ["Pérez", "Mora", "Rodríguez", "Joseph", "Pierre", "Castillo", "Vargas", "Baptiste", "Núñez", "Soto"]
SECTORS = ["government", "judiciary", "civil_society", "host_communities", "media", "academia", "private", "migrants"]
SEXES = ["female", "male", "female", "male", "female", "male", "unknown"]  # some did not say


def _participant(n: int, country: Country, language: str) -> Participant:
    name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
    email = f"participante{n}@demo.example"
    # the address is encrypted: the demo participant is found again by its keyed hash
    participant = Participant.objects.with_email(email).first() or Participant(email=email)
    participant.name = name
    participant.sector = SECTORS[n % len(SECTORS)]
    participant.sex = SEXES[n % len(SEXES)]
    participant.country = country
    participant.language = language
    participant.institution = "Institución de muestra"
    participant.save()
    return participant


def _course(titles, code, language, modality, hours, sectors, countries) -> Course:
    es, en, fr, nl, ht = titles
    course, _created = Course.objects.update_or_create(
        title_es=es,
        defaults={
            "title": es,
            "title_en": en,
            "title_fr": fr,
            "title_nl": nl,
            "title_ht": ht,
            "description_es": "Contenido de muestra: verifique y reemplace antes de usarlo.",
            "description_en": "Sample content: verify and replace before use.",
            "description_fr": "Contenu d'exemple : à vérifier et remplacer avant usage.",
            "description_nl": "Voorbeeldinhoud: controleer en vervang vóór gebruik.",
            "description_ht": "Kontni egzanp: verifye l epi ranplase l anvan ou sèvi avè l.",
            "country": countries.get(code) if code else None,
            "language": language,
            "modality": modality,
            "hours": Decimal(hours),
            "sectors": sectors,
        },
    )
    return course


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    countries = {c.code: c for c in Country.objects.all()}
    if not countries:
        return []
    trainer = get_user_model().objects.filter(username="trainer").first()
    courses = [_course(*row, countries) for row in COURSES]
    today = timezone.localdate()
    person = 0
    for index, code, venue, offset, days, capacity, taught, enrolled in SESSIONS:
        course = courses[index]
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
            participant = _participant(person, countries[code], course.language)
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
        stdout.write(f"training: {len(courses)} courses, {len(SESSIONS)} sessions\n")
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
