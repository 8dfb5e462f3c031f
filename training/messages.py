"""Messages to participants, written in the participant's language.

``deliver`` is the one door to the notifications outbox: each message is a row first, rendered from
``training/messages/<name>_subject.txt`` and ``_body.txt`` in the recipient's language when a worker sends
it. The context holds only strings and ids, so that it can be stored and rendered later.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications.services import cancel_for, enqueue

from .models import Certificate, Enrolment, Participant

TOKEN_SALT = "training.enrolment"  # noqa: S105 - a signing namespace, not a secret


# Kinds of message, and their templates (training/templates/training/messages/<name>_subject.txt and _body.txt).
CONFIRM_EMAIL = "confirm_email"
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
OFFER = "offer"
REMINDER = "reminder"
CERTIFICATE = "certificate"
SESSION_MOVED = "session_moved"
SESSION_CANCELLED = "session_cancelled"
ALREADY_ENROLLED = "already_enrolled"
SESSION_OVER = "session_over"
TEMPLATES = {
    SESSION_OVER: "training/messages/session_over",
    CONFIRM_EMAIL: "training/messages/enrolment_confirmation",
    CONFIRMED: "training/messages/enrolment_confirmed",
    WAITLISTED: "training/messages/waitlisted",
    OFFER: "training/messages/seat_offer",
    REMINDER: "training/messages/session_reminder",
    CERTIFICATE: "training/messages/certificate_ready",
    SESSION_MOVED: "training/messages/session_moved",
    SESSION_CANCELLED: "training/messages/session_cancelled",
    ALREADY_ENROLLED: "training/messages/already_enrolled",
}


def enrolment_token(enrolment: Enrolment) -> str:
    """The signed token of the participant's own enrolment page (confirm, accept an offer, cancel)."""
    return signing.dumps({"e": enrolment.pk}, salt=TOKEN_SALT, compress=True)


class LinkExpired(Exception):
    """An enrolment link older than ENROLMENT_LINK_MAX_AGE: the participant needs a newer message."""


def enrolment_id_from_token(token: str) -> int | None:
    """The enrolment a link points to; None for a forged link; ``LinkExpired`` for one past its age."""
    try:
        return int(signing.loads(token, salt=TOKEN_SALT, max_age=settings.ENROLMENT_LINK_MAX_AGE)["e"])
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}"


def build_context(enrolment: Enrolment, language: str) -> dict[str, str | int]:
    """Plain strings for the templates, already in the recipient's language."""
    session = enrolment.session
    with translation.override(language):
        context: dict[str, str | int] = {
            "enrolment_id": enrolment.pk,
            "name": enrolment.participant.name,
            "course": str(session.course.title),
            "first_day": formats.date_format(session.starts_on, "DATE_FORMAT"),
            "last_day": formats.date_format(session.ends_on, "DATE_FORMAT"),
            "start_time": formats.time_format(session.start_time, "TIME_FORMAT"),
            "country": str(session.country.name),
            "venue": session.venue,
            "online_link": session.online_link,
            "link": _absolute(reverse("training:enrolment", kwargs={"token": enrolment_token(enrolment)})),
            "status": str(enrolment.get_status_display()),
        }
        if enrolment.offer_expires_at:
            local = enrolment.offer_expires_at.astimezone(session.country.zoneinfo)
            context["deadline"] = formats.date_format(local, "DATETIME_FORMAT")
    return context


def notify(enrolment: Enrolment, kind: str, *, certificate: Certificate | None = None, reason: str = "") -> None:
    """Queue the message of this kind about an enrolment for its participant."""
    participant = enrolment.participant
    language = participant.language or settings.LANGUAGE_CODE
    context = build_context(enrolment, language)
    # A certificate goes once per enrolment and a reminder once per start time (a moved session is
    # reminded again); the other messages once per change (a person may cancel, enrol again and need a
    # new confirmation link).
    key = f"training:{kind}:{enrolment.pk}"
    if kind == REMINDER:
        key += f":{enrolment.session.starts_at().isoformat()}"
    elif kind == ALREADY_ENROLLED:
        # At most one a day: the public form must not become a way to flood someone's mailbox.
        key += f":{timezone.now():%Y%m%d}"
    elif kind != CERTIFICATE:
        key += f":{timezone.now().isoformat()}"
    if reason:
        context["reason"] = reason
    if certificate is not None:
        context["code"] = certificate.code
        context["verify_link"] = _absolute(reverse("training:verify") + f"?code={certificate.code}")
    deliver(
        kind=f"training.{kind}",
        recipient=participant.email,
        language=language,
        template=TEMPLATES[kind],
        context=context,
        key=key,
        obj=enrolment,
        time_zone=enrolment.session.country.time_zone,
        addressee=participant,
    )


# What a participant who asked for no more messages still receives: the link that confirms an enrolment
# they have just requested themselves (confirming it is asking for our messages again).
SENT_AFTER_UNSUBSCRIBING = frozenset({f"training.{CONFIRM_EMAIL}"})


def may_write_to(pk: str, channel: str, kind: str = "") -> bool:
    """The outbox's question at the moment of sending (registered with ``notifications.consent``)."""
    rows = list(Participant.objects.filter(pk=pk, anonymised_at__isnull=True).values_list("unsubscribed_at", flat=True))
    if not rows:
        return False
    return rows[0] is None or kind in SENT_AFTER_UNSUBSCRIBING


def deliver(
    *,
    kind: str,
    recipient: str,
    language: str,
    template: str,
    context: dict,
    key: str,
    obj=None,
    time_zone: str = "",
    addressee=None,
) -> None:
    """Queue one e-mail in the outbox (a row now, sent by a worker after the commit)."""
    enqueue(
        kind=kind,
        channel="email",
        recipient=recipient,
        language=language,
        template=template,
        context=context,
        key=key,
        obj=obj,
        time_zone=time_zone,
        addressee=addressee,
    )


def cancel_reminders(enrolment: Enrolment) -> int:
    """Cancel the reminders of an enrolment still waiting in the outbox; returns how many."""
    return cancel_for(enrolment, f"training.{REMINDER}")
