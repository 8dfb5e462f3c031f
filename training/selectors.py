"""Reads of the training app, for its pages and for the dashboards (the "people trained" figures)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import ATTENDED_MARKS, Attendance, Enrolment, Participant, Session, Status


def public_sessions(*, country=None, language: str = "", now: dt.datetime | None = None) -> QuerySet[Session]:
    """Published sessions not yet over, soonest first, optionally of one country and language of delivery."""
    now = now or timezone.now()
    sessions = Session.objects.public().filter(ends_on__gte=(now - dt.timedelta(days=1)).date())
    if country is not None:
        sessions = sessions.filter(country=country)
    if language:
        sessions = sessions.filter(course__language=language)
    return sessions.select_related("course", "country").order_by("starts_on", "pk")


def completed_enrolments(
    enrolments: QuerySet[Enrolment],
    *,
    country=None,
    sector: str = "",
    sex: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Enrolment]:
    """Completed enrolments, filtered; the period is that of the session's last day."""
    rows = enrolments.filter(status=Status.COMPLETED)
    if country is not None:
        rows = rows.filter(session__country=country)
    if sector:
        rows = rows.filter(participant__sector=sector)
    if sex:
        rows = rows.filter(participant__sex=sex)
    if start:
        rows = rows.filter(session__ends_on__gte=start)
    if end:
        rows = rows.filter(session__ends_on__lte=end)
    return rows


def people_trained(enrolments: QuerySet[Enrolment]) -> dict[str, object]:
    """Completions and unique people, in total and by country (of the session), sector and sex.

    ``enrolments`` is already scoped and filtered (see ``completed_enrolments``). A person who completed
    two courses counts twice in completions and once in people.
    """
    enrolments = enrolments.order_by()
    totals = enrolments.aggregate(completions=Count("pk"), people=Count("participant", distinct=True))
    rows = list(
        enrolments.values("session__country__code", "participant__sector", "participant__sex")
        .annotate(completions=Count("pk"), people=Count("participant", distinct=True))
        .order_by("session__country__code", "participant__sector", "participant__sex")
    )
    return {"totals": totals, "rows": rows}


def _waitlist_key(enrolment: Enrolment) -> float:
    if enrolment.status == Status.WAITLISTED and enrolment.waitlisted_at:
        return enrolment.waitlisted_at.timestamp()
    return 0.0


def roster(session: Session) -> list[Enrolment]:
    """Everyone enrolled in a session: seat holders, then offers, the waitlist in order, pending, cancelled."""
    order = {
        Status.CONFIRMED: 0,
        Status.ATTENDED: 0,
        Status.COMPLETED: 0,
        Status.NO_SHOW: 0,
        Status.OFFERED: 1,
        Status.WAITLISTED: 2,
        Status.PENDING: 3,
        Status.CANCELLED: 4,
    }
    enrolments = session.enrolments.select_related("participant", "participant__country").annotate(
        present_days=Count("attendance", filter=Q(attendance__mark__in=list(ATTENDED_MARKS)))
    )
    return sorted(
        enrolments,
        key=lambda e: (order[e.status], _waitlist_key(e), e.participant.name.lower()),
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def participant_data(participant: Participant) -> dict:
    """Everything the training app holds on one participant, as plain JSON-ready data: identity (decrypted),
    whether they still want our messages, and each enrolment with its session, attendance and certificate.
    The messages written to them come from the outbox (``services.export_participant_data``)."""
    enrolments = []
    rows = (
        participant.enrolments.select_related("session__course", "session__country", "certificate")
        .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.order_by("day")))
        .order_by("created_at", "pk")
    )
    for enrolment in rows:
        session = enrolment.session
        certificate = getattr(enrolment, "certificate", None)
        enrolments.append(
            {
                "course": session.course.title,
                "session": {
                    "id": session.pk,
                    "country": session.country.code,
                    "starts_on": _iso(session.starts_on),
                    "ends_on": _iso(session.ends_on),
                    "venue": session.venue,
                    "cancelled_at": _iso(session.cancelled_at),
                },
                "status": enrolment.status,
                "source": enrolment.source,
                "requested_at": _iso(enrolment.created_at),
                "confirmed_at": _iso(enrolment.confirmed_at),
                "waitlisted_at": _iso(enrolment.waitlisted_at),
                "offered_at": _iso(enrolment.offered_at),
                "cancelled_at": _iso(enrolment.cancelled_at),
                "cancel_reason": enrolment.cancel_reason,
                "attendance": [{"day": _iso(a.day), "mark": a.mark} for a in enrolment.attendance.all()],
                "certificate": None
                if certificate is None
                else {
                    "code": certificate.code,
                    "name": certificate.participant_name,
                    "course": certificate.course_title,
                    "hours": str(certificate.hours),
                    "completed_on": _iso(certificate.completed_on),
                    "issued_at": _iso(certificate.issued_at),
                    "status": "revoked" if certificate.revoked_at else "valid",
                    "revoked_at": _iso(certificate.revoked_at),
                },
            }
        )
    return {
        "participant": {
            "id": participant.pk,
            "name": participant.name,
            "email": participant.email,
            "phone": participant.phone,
            "institution": participant.institution,
            "sector": participant.sector,
            "sex": participant.sex,
            "country": participant.country.code,
            "language": participant.language,
            "created_at": _iso(participant.created_at),
            "anonymised_at": _iso(participant.anonymised_at),
        },
        "messages_allowed": participant.anonymised_at is None and participant.unsubscribed_at is None,
        "unsubscribed_at": _iso(participant.unsubscribed_at),
        "enrolments": enrolments,
    }
