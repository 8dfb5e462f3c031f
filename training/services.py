"""Every change of an enrolment's status, of a session's seats and of a certificate happens here.

Each service runs in one transaction and locks the session row first (``select_for_update``), then the
enrolments it changes: one lock order for every writer, so that two writers never deadlock. A seat is
taken by ``seats_taken = F("seats_taken") + 1`` under that lock, and the database refuses any value above
the capacity (constraint ``session_seats_within_capacity``): capacity holds under concurrency.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import pagecache
from helpers.idempotency import once
from helpers.validation import EARLIEST_DAY, EMAIL_MAX_LENGTH, clean_text, latest_day
from notifications.services import cancel_for_addressee, messages_for_addressee, purge_for_addressee
from privacy import audit
from ventanillas import access

from . import messages, selectors
from .models import (
    ATTENDED_MARKS,
    CANCELLABLE,
    SEAT_HOLDING,
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Participant,
    Session,
    Source,
    Status,
    normalise_email,
)

OFFER_HOURS = getattr(settings, "TRAINING_OFFER_HOURS", 48)
REMINDER_HOURS = getattr(settings, "TRAINING_REMINDER_HOURS", 48)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed


class TrainingError(Exception):
    """A change the rules do not allow; the message is translated and shown to the user.

    ``field`` names the form field the message belongs to, if any.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ParticipantData:
    email: str
    name: str
    sector: str
    sex: str
    country_id: int
    language: str
    phone: str = ""
    institution: str = ""


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("course", "country").get(pk=session_id)


def _lock_enrolment(enrolment_id: int) -> Enrolment:
    return Enrolment.objects.select_for_update(of=("self",)).select_related("participant").get(pk=enrolment_id)


def _take_seat(session: Session) -> bool:
    if session.seats_taken >= session.capacity:
        return False
    Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    pagecache.changed("training")  # the catalogue shows the seats left
    session.seats_taken += 1
    return True


def _free_seat(session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)
    pagecache.changed("training")
    session.seats_taken -= 1


def _notify(enrolment: Enrolment, kind: str, **kwargs) -> None:
    messages.notify(enrolment, kind, **kwargs)


def check_participant(data: ParticipantData) -> None:
    """What the participant's row can hold: each text within its column, no control characters, an e-mail
    of at most 254 characters. The public form and the bulk preview check the same; this stops any other
    caller before the database refuses the row (and the whole upload with it)."""
    from django.core.exceptions import ValidationError

    limits = {"email": EMAIL_MAX_LENGTH, "name": 160, "phone": 30, "institution": 200}
    for name, limit in limits.items():
        try:
            clean_text(getattr(data, name), max_length=limit)
        except ValidationError as error:
            raise TrainingError(f"{Participant._meta.get_field(name).verbose_name}: {error.messages[0]}") from None


def get_or_create_participant(data: ParticipantData, *, update: bool = False) -> Participant:
    """The participant with this e-mail (any case), created if new.

    ``update`` overwrites the stored details (a trainer's upload is trusted; the public form is not, as
    anybody can type anybody's e-mail). Runs in its own savepoint so that two simultaneous first
    enrolments of one person end with one row.
    """
    check_participant(data)
    email = normalise_email(data.email)
    fields = {
        "name": data.name.strip(),
        "sector": data.sector,
        "sex": data.sex,
        "country_id": data.country_id,
        "language": data.language,
        "phone": data.phone.strip(),
        "institution": data.institution.strip(),
    }
    # The address is encrypted: the person is found by the keyed hash of it (under every hash key).
    participant = Participant.objects.with_email(email).order_by("pk").first()
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(email=email, **fields)
        except IntegrityError:
            participant = Participant.objects.with_email(email).order_by("pk").first()
    if update:
        for name, value in fields.items():
            setattr(participant, name, value)
        participant.save(update_fields=[*fields])
    return participant


def _place(enrolment: Enrolment, session: Session, now: dt.datetime) -> None:
    """Give the enrolment a seat, or put it at the end of the waitlist (never ahead of those waiting)."""
    if not session.enrolments.waitlist().exists() and _take_seat(session):
        enrolment.status = Status.CONFIRMED
        enrolment.confirmed_at = now
    else:
        enrolment.status = Status.WAITLISTED
        enrolment.waitlisted_at = now


def _check_open(session: Session, now: dt.datetime) -> None:
    if not session.is_open_for_enrolment(now):
        raise TrainingError(_("Enrolment for this session is closed."))


@transaction.atomic
def request_enrolment(*, session: Session, data: ParticipantData, now: dt.datetime | None = None) -> Enrolment:
    """Enrol someone from the public form: the enrolment waits for the e-mail to be confirmed.

    Precondition: the session is open for enrolment (a cancelled enrolment starts again). Side effect:
    the confirmation link is sent to the e-mail. Anybody can type anybody's e-mail, so the answer must
    not tell whether that address is already enrolled: in that case nothing changes, the existing
    enrolment is returned and its participant receives a note with the link to their own page instead.
    """
    now = now or timezone.now()
    participant = get_or_create_participant(data)
    session = _lock_session(session.pk)
    _check_open(session, now)
    enrolment = Enrolment.objects.select_for_update().filter(session=session, participant=participant).first()
    if enrolment is not None and enrolment.status != Status.CANCELLED:
        _notify(enrolment, messages.ALREADY_ENROLLED)
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(session=session, participant=participant)
    enrolment.status = Status.PENDING
    enrolment.source = Source.PUBLIC
    enrolment.cancelled_at = None
    enrolment.cancel_reason = ""
    enrolment.save()
    _notify(enrolment, messages.CONFIRM_EMAIL)
    return enrolment


@transaction.atomic
def confirm_email(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """The participant followed the link: take a seat if one is free, else join the waitlist.

    Preconditions: the enrolment is pending and the session still open. Confirming twice changes nothing.
    Side effect: a message saying whether the seat is confirmed or waitlisted.
    """
    now = now or timezone.now()
    session = _lock_session(enrolment.session_id)
    enrolment = _lock_enrolment(enrolment.pk)
    if enrolment.status != Status.PENDING:
        if enrolment.status == Status.CANCELLED:
            raise TrainingError(_("This enrolment was cancelled."))
        return enrolment
    _check_open(session, now)
    _place(enrolment, session, now)
    enrolment.save()
    # Following the link is asking for our messages again, after an earlier "no more messages".
    Participant.objects.filter(pk=enrolment.participant_id).update(unsubscribed_at=None)
    _notify(enrolment, messages.CONFIRMED if enrolment.status == Status.CONFIRMED else messages.WAITLISTED)
    return enrolment


@transaction.atomic
def unsubscribe(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """The participant asks us to stop writing: every message waiting for them is cancelled now, and the
    dispatcher sends them nothing more (but the confirmation of an enrolment they request themselves,
    which, once confirmed, is asking to hear from us again). Their enrolments are left as they are."""
    participant = Participant.objects.select_for_update().get(pk=enrolment.participant_id)
    if participant.unsubscribed_at is None:
        participant.unsubscribed_at = now or timezone.now()
        participant.save(update_fields=["unsubscribed_at"])
    cancel_for_addressee(participant, reason="the participant asked for no more messages")
    return enrolment


def enrol_verified(
    *, session: Session, data: ParticipantData, source: str = Source.BULK, now: dt.datetime | None = None
) -> tuple[Enrolment, bool]:
    """Enrol someone whose e-mail a trainer vouches for (a ministry's list): seat or waitlist at once.

    Safe to repeat: a person already enrolled (not cancelled) is left as is and ``False`` is returned.
    Preconditions: the session has not started or been closed. Side effect: the seat or waitlist message.
    """
    now = now or timezone.now()
    participant = get_or_create_participant(data, update=True)
    with transaction.atomic():
        session = _lock_session(session.pk)
        if session.finalised_at or session.local_today(now) > session.ends_on:
            raise TrainingError(_("This session is over: nobody can be enrolled in it any more."))
        enrolment = Enrolment.objects.select_for_update().filter(session=session, participant=participant).first()
        if enrolment is not None and enrolment.status != Status.CANCELLED:
            return enrolment, False
        if enrolment is None:
            enrolment = Enrolment(session=session, participant=participant)
        enrolment.source = source
        enrolment.cancelled_at = None
        enrolment.cancel_reason = ""
        _place(enrolment, session, now)
        enrolment.save()
        _notify(enrolment, messages.CONFIRMED if enrolment.status == Status.CONFIRMED else messages.WAITLISTED)
    return enrolment, True


def _offer_next(session: Session, now: dt.datetime) -> list[Enrolment]:
    """While seats are free, offer them to the waitlist in order, each with a deadline.

    The caller holds the session lock. No offer is made once enrolment has closed.
    """
    offered = []
    closes = session.closes_at()
    while session.seats_taken < session.capacity and now < closes:
        candidate = session.enrolments.waitlist().select_for_update(of=("self",)).select_related("participant").first()
        if candidate is None:
            break
        _take_seat(session)
        candidate.status = Status.OFFERED
        candidate.offered_at = now
        candidate.offer_expires_at = min(now + dt.timedelta(hours=OFFER_HOURS), closes)
        candidate.save(update_fields=["status", "offered_at", "offer_expires_at"])
        _notify(candidate, messages.OFFER)
        offered.append(candidate)
    return offered


@transaction.atomic
def cancel_enrolment(*, enrolment: Enrolment, reason: str = "", now: dt.datetime | None = None) -> Enrolment:
    """Cancel an enrolment (by the participant, or a trainer); a seat it held is offered to the waitlist.

    Preconditions: pending, confirmed, waitlisted or offered, and the session's results not yet closed.
    """
    from django.core.exceptions import ValidationError

    try:
        reason = clean_text(reason, max_length=Enrolment._meta.get_field("cancel_reason").max_length)
    except ValidationError as error:
        raise TrainingError(error.messages[0], field="reason") from None
    now = now or timezone.now()
    session = _lock_session(enrolment.session_id)
    enrolment = _lock_enrolment(enrolment.pk)
    if not enrolment.is_cancellable or session.finalised_at:
        raise TrainingError(_("This enrolment can no longer be cancelled."))
    held = enrolment.holds_seat
    enrolment.status = Status.CANCELLED
    enrolment.cancelled_at = now
    enrolment.cancel_reason = reason[:200]
    enrolment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    messages.cancel_reminders(enrolment)
    if held:
        _free_seat(session)
        _offer_next(session, now)
    return enrolment


@transaction.atomic
def accept_offer(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """The participant takes the seat offered to them, before the deadline.

    Preconditions: the enrolment is offered and its deadline has not passed. Side effect: confirmation.
    """
    now = now or timezone.now()
    _lock_session(enrolment.session_id)
    enrolment = _lock_enrolment(enrolment.pk)
    if enrolment.status != Status.OFFERED:
        raise TrainingError(_("There is no seat offered to you for this session."))
    if now >= enrolment.offer_expires_at:
        raise TrainingError(_("The time to accept this seat has passed."))
    enrolment.status = Status.CONFIRMED
    enrolment.confirmed_at = now
    enrolment.save(update_fields=["status", "confirmed_at"])
    _notify(enrolment, messages.CONFIRMED)
    return enrolment


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Cancel every offer past its deadline and offer the seat to the next on the waitlist.

    Runs periodically (``training.tasks.expire_offers``); one transaction per session, so one slow
    session does not hold the others. Running it twice does nothing the second time.
    """
    now = now or timezone.now()
    expired = 0
    session_ids = (
        Enrolment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    for session_id in list(session_ids):
        with transaction.atomic():
            session = _lock_session(session_id)
            lapsed = session.enrolments.select_for_update().filter(status=Status.OFFERED, offer_expires_at__lte=now)
            for enrolment in lapsed:
                enrolment.status = Status.CANCELLED
                enrolment.cancelled_at = now
                enrolment.cancel_reason = "offer expired"
                enrolment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
                _free_seat(session)
                expired += 1
            _offer_next(session, now)
    return expired


@transaction.atomic
def record_attendance(*, session: Session, day: dt.date, marks: dict[int, str], by) -> int:
    """Store the attendance of one day; present or late turns a confirmed enrolment into attended.

    ``marks`` maps enrolment ids to marks. Preconditions: the day is one of the session's days and not in
    the future, and the results are not closed. Returns the number of marks stored.
    """
    session = _lock_session(session.pk)
    if day not in session.days:
        raise TrainingError(_("This day is not one of the session's days."))
    if timezone.now() < session.day_begins_at(day):
        raise TrainingError(_("Attendance can be marked once the day's session has begun."))
    if session.finalised_at:
        raise TrainingError(_("The results of this session are closed."))
    enrolments = session.enrolments.select_for_update().filter(
        pk__in=list(marks), status__in=[Status.CONFIRMED, Status.ATTENDED]
    )
    stored = 0
    for enrolment in enrolments:
        Attendance.objects.update_or_create(
            enrolment=enrolment, day=day, defaults={"mark": marks[enrolment.pk], "marked_by": by}
        )
        attended = enrolment.attendance.filter(mark__in=ATTENDED_MARKS).exists()
        status = Status.ATTENDED if attended else Status.CONFIRMED
        if status != enrolment.status:
            enrolment.status = status
            enrolment.save(update_fields=["status"])
        stored += 1
    return stored


def attendance_rate(enrolment: Enrolment, session: Session) -> int:
    """Whole percentage of the session's meeting days the participant was present or late."""
    days = session.days
    attended = enrolment.attendance.filter(mark__in=ATTENDED_MARKS, day__in=days).count()
    return attended * 100 // len(days) if days else 0


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))


def _issue_certificate(enrolment: Enrolment, session: Session) -> Certificate:
    with translation.override(enrolment.participant.language):
        title = str(session.course.title)
    while True:
        code = _new_code()
        if not Certificate.objects.filter(code=code).exists():
            break
    trainers = [user.get_full_name() or user.username for user in session.trainers.order_by("last_name", "username")]
    return Certificate.objects.create(
        enrolment=enrolment,
        code=code,
        participant_name=enrolment.participant.name,
        course_title=title,
        programme=settings.PORTAL_NAME,
        partner_name=session.partner.name if session.partner_id else "",
        trainer_name=", ".join(trainers)[:200],
        hours=session.course.hours,
        completed_on=session.ends_on,
    )


def finalise_preview(session: Session) -> list[tuple[Enrolment, str, int]]:
    """What closing the results would do, without doing it: (enrolment, status it would get, attendance %)
    for every participant who took a seat, certificates first. The trainer confirms on this list."""
    threshold = session.course.completion_threshold
    rows = []
    for enrolment in session.enrolments.filter(status__in=[Status.CONFIRMED, Status.ATTENDED]).select_related(
        "participant"
    ):
        rate = attendance_rate(enrolment, session)
        if rate >= threshold:
            outcome = Status.COMPLETED
        else:
            outcome = Status.NO_SHOW if enrolment.status == Status.CONFIRMED else Status.ATTENDED
        rows.append((enrolment, outcome, rate))
    return sorted(rows, key=lambda r: (r[1] != Status.COMPLETED, r[0].participant.name.lower()))


@transaction.atomic
def finalise_session(*, session: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """Close a session's results after its last day: completed (with a certificate), attended or no-show.

    A participant completes when present or late on at least the course's threshold of days; with some
    attendance below it they stay "attended"; with none they are a no-show. Offers, waitlist places and
    unconfirmed enrolments are cancelled. Side effect: each certificate's "ready" message.
    """
    now = now or timezone.now()
    session = _lock_session(session.pk)
    if session.finalised_at:
        raise TrainingError(_("The results of this session are closed."))
    if not session.is_over(now):
        raise TrainingError(_("The results can be closed once the session's last day has ended."))
    counts = {Status.COMPLETED: 0, Status.ATTENDED: 0, Status.NO_SHOW: 0, Status.CANCELLED: 0}
    threshold = session.course.completion_threshold
    for enrolment in session.enrolments.select_for_update(of=("self",)).select_related("participant"):
        told = False
        if enrolment.status in (Status.CONFIRMED, Status.ATTENDED):
            rate = attendance_rate(enrolment, session)
            if rate >= threshold:
                enrolment.status = Status.COMPLETED
            elif enrolment.status == Status.CONFIRMED:
                enrolment.status = Status.NO_SHOW
        elif enrolment.status in (Status.PENDING, Status.WAITLISTED, Status.OFFERED):
            if enrolment.status == Status.OFFERED:
                _free_seat(session)
            # people still waiting for a seat are told the session is over (an unconfirmed address is not
            # written to: its owner never confirmed it was theirs)
            told = enrolment.status in (Status.WAITLISTED, Status.OFFERED)
            enrolment.status = Status.CANCELLED
            enrolment.cancelled_at = now
            enrolment.cancel_reason = "session closed"
        else:
            continue
        enrolment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        counts[enrolment.status] += 1
        if enrolment.status == Status.CANCELLED and told:
            _notify(enrolment, messages.SESSION_OVER)
        if enrolment.status == Status.COMPLETED:
            certificate = _issue_certificate(enrolment, session)
            _notify(enrolment, messages.CERTIFICATE, certificate=certificate)
    session.finalised_at = now
    session.save(update_fields=["finalised_at"])
    return {str(k): v for k, v in counts.items()}


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate (issued by mistake, or obtained by fraud); the verification page then says so."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        raise TrainingError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason[:200]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return certificate


def send_session_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind confirmed participants of a session starting within REMINDER_HOURS; each only once."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=REMINDER_HOURS)
    sent = 0
    candidates = Session.objects.filter(
        finalised_at__isnull=True,
        cancelled_at__isnull=True,
        starts_on__gte=(now - dt.timedelta(days=1)).date(),
        starts_on__lte=(horizon + dt.timedelta(days=1)).date(),
    ).select_related("country", "course")
    for session in candidates:
        if not now <= session.starts_at() <= horizon:
            continue
        with transaction.atomic():
            due = session.enrolments.select_for_update().filter(status=Status.CONFIRMED, reminded_at__isnull=True)
            for enrolment in due.select_related("participant"):
                enrolment.reminded_at = now
                enrolment.save(update_fields=["reminded_at"])
                _notify(enrolment, messages.REMINDER)
                sent += 1
    return sent


def seats_in_use(session: Session) -> int:
    """The seats the enrolments really hold (for checks: always equal to ``session.seats_taken``)."""
    return session.enrolments.filter(status__in=SEAT_HOLDING).count()


# --- courses and sessions, published by trainers ------------------------------------------------------


@transaction.atomic
def save_course(*, course: Course | None, data: dict, by, form_token=None) -> Course:
    """Create a course (``course`` is None) or change one, from a validated ``CourseForm``'s data.

    Preconditions: the form allowed the country for ``by`` (``Course.objects.editable_by``) and holds the
    title and description in the language of delivery. Side effect: none beyond the row. A new course is
    made once per ``form_token``: the same form sent twice returns the first course.
    """

    def write(course: Course) -> Course:
        for name, value in data.items():
            setattr(course, name, value)
        course.save()
        return course

    if course and course.pk:
        return write(Course.objects.select_for_update().get(pk=course.pk))
    return once(form_token, Course, lambda: write(Course()))[0]


MAX_SESSION_DAYS = 366  # a session lasts at most a year


def check_session_bounds(values: dict, today: dt.date) -> None:
    """Dates a session may have: starting at most two years ahead, lasting at most a year, its enrolment
    opening and closing between 2000 and its last day. Raises TrainingError naming the field.

    A session ending on 9999-12-31 would store millions of meeting days, and an enrolment opening at
    9999-12-31 23:59 local time is year 10000 in UTC, which PostgreSQL cannot read back: every page
    showing the session, the public catalogue included, would fail."""
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    latest = latest_day(today)
    if starts_on and not EARLIEST_DAY <= starts_on <= latest:
        raise TrainingError(_("A session starts no later than %(day)s.") % {"day": latest.isoformat()}, "starts_on")
    if starts_on and ends_on and (ends_on - starts_on).days >= MAX_SESSION_DAYS:
        raise TrainingError(_("A session lasts at most a year."), "ends_on")
    last = ends_on or starts_on
    for name in ("enrolment_opens_at", "enrolment_closes_at"):
        moment = values.get(name)
        if moment is None:
            continue
        if moment.date() < EARLIEST_DAY or (last and moment.date() > last):
            raise TrainingError(_("Enrolment opens and closes before the session's last day."), name)


def _teachers(trainers, by) -> set:
    """The trainers chosen, and the trainer who saves the session (so that they keep seeing it)."""
    people = set(trainers)
    if not access.is_administrator(by):
        people.add(by)
    return people


@transaction.atomic
def create_session(*, data: dict, trainers, by, form_token=None) -> Session:
    """Publish a new session of a course from a validated ``SessionForm``'s data.

    Preconditions: the form checked the country against ``by``'s countries, the dates, times and the
    enrolment period. ``by`` teaches the session unless they are an administrator. One session per
    ``form_token``: the same form sent twice returns the first session.
    """
    check_session_bounds(data, timezone.localdate())

    def create() -> Session:
        session = Session(**data)
        session.save()
        session.trainers.set(_teachers(trainers, by))
        return session

    return once(form_token, Session, create)[0]


BOUNDED_FIELDS = ("starts_on", "ends_on", "enrolment_opens_at", "enrolment_closes_at")
# Changing any of these moves the session: participants are told and their reminders follow.
MOVING_FIELDS = ("starts_on", "ends_on", "start_time", "end_time")


@transaction.atomic
def update_session(*, session: Session, data: dict, trainers, by, now: dt.datetime | None = None) -> Session:
    """Change a session: dates, times, place, capacity, enrolment period, trainers.

    Preconditions: the session is neither cancelled nor closed; its days do not change once it has
    started; the capacity is not below the seats already taken. Side effects: a larger capacity offers
    the new seats to the waitlist; moved dates tell every enrolled participant, cancel the reminders not
    yet sent (their text names the old dates) and let the reminder scan remind them again for the new ones.
    """
    now = now or timezone.now()
    session = _lock_session(session.pk)
    if session.cancelled_at:
        raise TrainingError(_("This session is cancelled."))
    if session.finalised_at:
        raise TrainingError(_("The results of this session are closed."))
    moved = any(name in data and data[name] != getattr(session, name) for name in MOVING_FIELDS)
    days_changed = any(
        name in data and data[name] != getattr(session, name) for name in ("starts_on", "ends_on", "meeting_days")
    )
    check_session_bounds({name: data.get(name, getattr(session, name)) for name in BOUNDED_FIELDS}, now.date())
    if days_changed and session.has_started(now):
        raise TrainingError(_("The days of a session that has started cannot be changed."), field="starts_on")
    if data.get("capacity", session.capacity) < session.seats_taken:
        raise TrainingError(
            ngettext(
                "The capacity cannot be lower than the %(taken)d seat already taken: cancel enrolments first.",
                "The capacity cannot be lower than the %(taken)d seats already taken: cancel enrolments first.",
                session.seats_taken,
            )
            % {"taken": session.seats_taken},
            field="capacity",
        )
    for name, value in data.items():
        setattr(session, name, value)
    session.save(update_fields=list(data))
    session.trainers.set(_teachers(trainers, by))
    if moved:
        enrolments = session.enrolments.select_for_update(of=("self",)).select_related("participant")
        for enrolment in enrolments.filter(status__in=CANCELLABLE):
            messages.cancel_reminders(enrolment)
            if enrolment.reminded_at:
                enrolment.reminded_at = None
                enrolment.save(update_fields=["reminded_at"])
            enrolment.session = session
            _notify(enrolment, messages.SESSION_MOVED)
    _offer_next(session, now)
    return session


@transaction.atomic
def cancel_session(*, session: Session, reason: str, by, now: dt.datetime | None = None) -> int:
    """Cancel a session that has not started; returns how many enrolments were cancelled with it.

    Preconditions: not cancelled, not started, results not closed. Side effects: every open enrolment
    (pending, confirmed, waitlisted, offered) is cancelled and its seat freed, its reminders not yet sent
    are cancelled, and its participant is told; the session leaves the public catalogue.
    """
    now = now or timezone.now()
    session = _lock_session(session.pk)
    if session.cancelled_at:
        raise TrainingError(_("This session is already cancelled."))
    if session.finalised_at or session.has_started(now):
        raise TrainingError(_("A session that has started cannot be cancelled: close its results instead."))
    cancelled = 0
    enrolments = session.enrolments.select_for_update(of=("self",)).select_related("participant")
    for enrolment in enrolments.filter(status__in=CANCELLABLE):
        if enrolment.holds_seat:
            _free_seat(session)
        enrolment.status = Status.CANCELLED
        enrolment.cancelled_at = now
        enrolment.cancel_reason = "session cancelled"
        enrolment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        messages.cancel_reminders(enrolment)
        enrolment.session = session
        _notify(enrolment, messages.SESSION_CANCELLED, reason=reason)
        cancelled += 1
    session.cancelled_at = now
    session.cancel_reason = reason[:200]
    session.save(update_fields=["cancelled_at", "cancel_reason"])
    return cancelled


# --- the participant's data: erasure and retention ----------------------------------------------------


def _blank_participant(participant: Participant, now: dt.datetime) -> None:
    """Remove what identifies the participant; sector, sex, country and language stay for the counts, and so
    do their enrolments, attendance and certificates (without the name printed on them)."""
    addresses = [participant.email]
    enrolments = list(participant.enrolments.all())
    Participant.objects.filter(pk=participant.pk).update(
        name="—", email="", email_hash="", phone="", institution="", anonymised_at=now
    )
    Certificate.objects.filter(enrolment__participant=participant).update(participant_name="—")
    # Every copy: the messages to them, about their enrolments, and those to their address naming no one.
    cancel_for_addressee(participant, reason="the participant's data was erased")
    purge_for_addressee(participant, objects=enrolments, addresses=addresses)


def erase_participant(*, participant: Participant, by, now: dt.datetime | None = None) -> Participant:
    """Erase a participant on request (administrator): their open enrolments are cancelled (the seats go to
    the waitlist), then name, e-mail, phone, institution, the name on their certificates and the messages
    written to them are removed. The counts of people trained stay. Cannot be undone."""
    now = now or timezone.now()
    for enrolment in participant.enrolments.filter(status__in=CANCELLABLE).select_related("session"):
        if not enrolment.session.finalised_at:
            cancel_enrolment(enrolment=enrolment, reason="erased", now=now)
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.anonymised_at:
            raise TrainingError(_("This participant's data was already erased."))
        _blank_participant(participant, now)
        audit.record(user=by, action=audit.ERASE, object_type="training.participant", object_id=participant.pk)
    participant.refresh_from_db()
    return participant


def inactive_participants(now: dt.datetime) -> list[int]:
    """Participants past the retention period of their country (``Country.retention_days``) since their last
    enrolment activity: joining, their latest enrolment (requested, confirmed or cancelled) and the last day
    of their latest session."""
    found: list[int] = []
    countries = Participant.objects.filter(anonymised_at__isnull=True).values_list(
        "country_id", "country__retention_days"
    )
    for country_id, days in set(countries):
        limit = now - dt.timedelta(days=days)
        recent = Q(enrolments__created_at__gte=limit) | Q(enrolments__confirmed_at__gte=limit)
        recent |= Q(enrolments__cancelled_at__gte=limit) | Q(enrolments__session__ends_on__gte=limit.date())
        rows = (
            Participant.objects.filter(country_id=country_id, anonymised_at__isnull=True, created_at__lt=limit)
            .exclude(pk__in=Participant.objects.filter(recent).values("pk"))
            .values_list("pk", flat=True)
        )
        found.extend(rows)
    return sorted(found)


def anonymise_inactive_participants(now: dt.datetime | None = None) -> int:
    """The training step of the daily retention run (registered with ``privacy.retention``): participants
    with no enrolment activity for their country's retention period are anonymised like an erasure (their
    enrolments, attendance and certificates stay as counts). Returns how many; safe to run again."""
    now = now or timezone.now()
    done = 0
    for pk in inactive_participants(now):
        with transaction.atomic():
            participant = Participant.objects.select_for_update().get(pk=pk)
            if participant.anonymised_at:
                continue
            _blank_participant(participant, now)
            audit.record(
                user=None,
                action=audit.ANONYMISE,
                object_type="training.participant",
                object_id=pk,
                details={"reason": "retention"},
            )
            done += 1
    return done


def export_participant_data(*, participant: Participant, by) -> dict:
    """Everything held on one participant (subject access, administrator), as plain data: identity,
    whether they still want our messages, enrolments with attendance and certificates, and the messages
    written to them, by their reference and, naming no person, to their address (as the erasure finds
    them). The export itself is audited (``privacy.audit``: the one audit log)."""
    participant = Participant.objects.select_related("country").get(pk=participant.pk)
    data = selectors.participant_data(participant)
    addresses = [participant.email] if participant.email else []
    data["messages"] = messages_for_addressee(participant, addresses=addresses)
    audit.record(
        user=by,
        action=audit.EXPORT,
        object_type="training.participant",
        object_id=participant.pk,
        details={"kind": "subject_access"},
    )
    return data
