"""Courses, sessions, participants, enrolments, attendance and certificates.

Every change of an enrolment's status goes through ``training.services``; the models only derive
values from their own row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import crypto
from privacy.fields import EncryptedCharField, EncryptedEmailField
from ventanillas import access
from ventanillas.models import Country, PartnerOrganisation, Role, Sex


class Sector(models.TextChoices):
    """The programme's categories of beneficiaries (also used for reporting)."""

    MIGRANTS = "migrants", _("Migrants and potential migrants")
    HOST_COMMUNITIES = "host_communities", _("Host communities")
    GOVERNMENT = "government", _("Local and national governments")
    JUDICIARY = "judiciary", _("Judiciary and legislature")
    PRIVATE = "private", _("Private sector")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisations")
    MEDIA = "media", _("Media")
    ACADEMIA = "academia", _("Academia")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("Mixed")


class CourseQuerySet(models.QuerySet):
    def editable_by(self, user) -> CourseQuerySet:
        """Courses of the countries a trainer works in (regional ones only for trainers of every country)."""
        return self.filter(access.trainer_country_scope(user))

    def usable_by(self, user) -> CourseQuerySet:
        """Courses a trainer may schedule sessions of: those they may edit, and every regional course."""
        if not access.has_role(user, Role.TRAINER):
            return self.none()
        if access.trainer_country_ids(user) is None:
            return self.all()  # (Q() | Q(...) would narrow to the second filter, not widen to all)
        return self.filter(access.trainer_country_scope(user) | models.Q(country__isnull=True))


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sectors = models.JSONField(
        _("audience sectors"), default=list, blank=True, help_text=_("Who the course is for; empty for everyone.")
    )
    modality = models.CharField(_("modality"), max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=Decimal("8"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("country"),
        help_text=_("Empty for a regional course."),
    )
    language = models.CharField(_("language of delivery"), max_length=5, choices=settings.LANGUAGES)
    completion_threshold = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"),
        default=80,
        help_text=_("A participant completes the course when present (or late) on at least this share of days."),
    )
    published = models.BooleanField(_("published"), default=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completion_threshold__gte=1, completion_threshold__lte=100),
                name="course_threshold_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [labels[code] for code in self.sectors if code in labels]


def every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def default_meeting_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every weekday (Monday to Friday) from the first to the last day, and those two days whatever they are."""
    return [day for day in every_day(first, last) if day.weekday() < 5 or day in (first, last)]


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SessionQuerySet:
        """Sessions a trainer teaches (all of them for an administrator)."""
        return self.filter(access.trainer_scope(user)).distinct()

    def public(self) -> SessionQuerySet:
        return self.filter(published=True, course__published=True, cancelled_at__isnull=True)


class Session(models.Model):
    """One run of a course, from ``starts_on`` to ``ends_on`` (local dates), meeting on ``meeting_days``."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("country"),
        help_text=_("Where the session takes place; its dates and times are in this country's time zone."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # ISO dates, first and last day included; attendance and the completion rule count these days only.
    meeting_days = models.JSONField(
        _("meeting days"),
        default=list,
        blank=True,
        help_text=_("The days the session meets. Empty: the first and last day and every weekday between them."),
    )
    start_time = models.TimeField(_("daily start"), default=dt.time(9))
    end_time = models.TimeField(_("daily end"), default=dt.time(13))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    # Seats held by confirmed, offered, attended, completed and no-show enrolments. Changed only by
    # training.services under a row lock with F(); the check constraint makes overbooking impossible
    # even for a writer that forgot the lock.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes_at = models.DateTimeField(
        _("enrolment closes"), null=True, blank=True, help_text=_("Empty: enrolment closes when the session starts.")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="training_sessions", blank=True, verbose_name=_("trainers")
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("partner institution"),
        help_text=_("The institution the session is given with; its certificates name it."),
    )
    published = models.BooleanField(_("published"), default=True)
    finalised_at = models.DateTimeField(_("results closed at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="session_days_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")), name="session_seats_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["finalised_at"], name="session_finalised_at_idx")]  # dashboards' refresh

    def __str__(self) -> str:
        return f"{self.course} · {self.country} · {self.starts_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("training:session", kwargs={"pk": self.pk})

    @property
    def days(self) -> list[dt.date]:
        """The days the session meets, in order (the weekdays of its period when none are set)."""
        if self.meeting_days:
            days = sorted({dt.date.fromisoformat(day) for day in self.meeting_days})
            return [day for day in days if self.starts_on <= day <= self.ends_on]
        return default_meeting_days(self.starts_on, self.ends_on)

    @property
    def skips_days(self) -> bool:
        return len(self.days) < (self.ends_on - self.starts_on).days + 1

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return self.local_today(now) >= self.starts_on

    def day_begins_at(self, day: dt.date) -> dt.datetime:
        """When the session begins on one of its days, on the country's clock."""
        return dt.datetime.combine(day, self.start_time, tzinfo=self.country.zoneinfo)

    def ends_at(self) -> dt.datetime:
        """When the session is over: the end of its last meeting day, on the country's clock."""
        last = self.days[-1] if self.days else self.ends_on
        return dt.datetime.combine(last, self.end_time, tzinfo=self.country.zoneinfo)

    def is_over(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at()

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        return timezone.localtime(now or timezone.now(), self.country.zoneinfo).date()

    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_on, self.start_time, tzinfo=self.country.zoneinfo)

    def closes_at(self) -> dt.datetime:
        """When enrolment closes: the date set, or the start of the first day."""
        return min(self.enrolment_closes_at or self.starts_at(), self.starts_at())

    def is_open_for_enrolment(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.published or self.finalised_at or self.cancelled_at:
            return False
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return False
        return now < self.closes_at()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str, *, key: str | None = None) -> str:
    """Keyed hash of an e-mail address (normalised), the participant's searchable key: the address itself
    is encrypted, so lookups and de-duplication compare this hash."""
    email = normalise_email(email)
    return crypto.keyed_hash(f"participant-email:{email}", key=key) if email else ""


def email_hashes(email: str) -> list[str]:
    """The hash under every configured key, current first: a lookup finds rows not yet re-hashed after a
    key rotation."""
    email = normalise_email(email)
    return [email_hash(email, key=key) for key in crypto.hash_keys()] if email else []


def participant_hashes(participant: Participant) -> dict[str, str]:
    """The keyed hash stored beside the participant's encrypted e-mail, from the current key (rotation)."""
    return {"email_hash": email_hash(participant.email)}


class ParticipantQuerySet(models.QuerySet):
    def with_email(self, email: str) -> ParticipantQuerySet:
        """The participant known by this e-mail (any case, under any hash key)."""
        hashes = email_hashes(email)
        return self.filter(email_hash__in=hashes) if hashes else self.none()


class Participant(models.Model):
    """One person, known by their e-mail (stored in lower case): the same person across many courses.

    Name, e-mail, phone and institution are encrypted at rest; ``email_hash`` (a keyed hash of the e-mail)
    is what lookups, de-duplication and the uniqueness of the address compare. A participant whose data
    was erased (on request or by the retention run) keeps sector, sex, country and language for the counts.
    """

    email = EncryptedEmailField(_("e-mail"), blank=True)
    email_hash = models.CharField(_("e-mail (keyed hash)"), max_length=64, blank=True, editable=False)
    name = EncryptedCharField(_("full name"), max_length=160)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    institution = EncryptedCharField(_("institution"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="training_participants", verbose_name=_("country")
    )
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, help_text=_("The language of the messages we send.")
    )
    unsubscribed_at = models.DateTimeField(
        _("asked for no more messages at"),
        null=True,
        blank=True,
        help_text=_("Nothing is sent to them from then on, until they confirm a new enrolment."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(
        _("personal data removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by an erasure or the retention run; the row stays for the counts."),
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        # names are encrypted: the database cannot sort on them (lists sort after reading)
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash"], condition=~models.Q(email_hash=""), name="participant_email_hash_unique"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="participant_created_at_idx")]  # dashboards' refresh

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    def save(self, *args, **kwargs) -> None:
        # The hash follows the address on every write through the model (forms, admin, services, demo).
        self.email = normalise_email(self.email)
        self.email_hash = email_hash(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_hash"}
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


# Statuses that hold one of the session's seats (counted in Session.seats_taken).
SEAT_HOLDING = frozenset({Status.CONFIRMED, Status.OFFERED, Status.ATTENDED, Status.COMPLETED, Status.NO_SHOW})


CANCELLABLE = frozenset({Status.PENDING, Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED})


class Source(models.TextChoices):
    PUBLIC = "public", _("Public form")
    BULK = "bulk", _("Bulk upload")


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnrolmentQuerySet:
        return self.filter(access.trainer_scope(user, trainers_path="session__trainers")).distinct()

    def waitlist(self) -> EnrolmentQuerySet:
        """First in, first out."""
        return self.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "pk")


class Enrolment(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("participant")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PUBLIC)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="enrolment_once_per_session"),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="enrolment_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "waitlisted_at"], name="enrolment_waitlist_idx"),
            # The roll-ups' refresh looks for enrolments changed since its last run (dashboards.rollups).
            *(
                models.Index(fields=[f], name=f"enrolment_{f}_idx")
                for f in ("created_at", "confirmed_at", "cancelled_at", "offered_at", "waitlisted_at")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.name} · {self.session}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_cancellable(self) -> bool:
        return self.status in CANCELLABLE


class AttendanceMark(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Marks that count towards completion.
ATTENDED_MARKS = frozenset({AttendanceMark.PRESENT, AttendanceMark.LATE})


class Attendance(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
    )
    day = models.DateField(_("day"))
    mark = models.CharField(_("attendance"), max_length=10, choices=AttendanceMark.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("marked by")
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_per_day")]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.day} · {self.get_mark_display()}"


def new_certificate_token() -> str:
    return secrets.token_urlsafe(32)


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user) -> CertificateQuerySet:
        return self.filter(access.trainer_scope(user, trainers_path="enrolment__session__trainers")).distinct()


class Certificate(models.Model):
    """Issued to a participant who completed a course; the names are copied so that the proof stays stable."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("enrolment")
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    # What the QR code on the certificate leads to: unguessable, and the page it opens names no person.
    token = models.CharField(max_length=43, unique=True, default=new_certificate_token, editable=False)
    participant_name = EncryptedCharField(_("participant"), max_length=160)
    course_title = models.CharField(_("course"), max_length=200)
    programme = models.CharField(_("programme"), max_length=160, blank=True)
    partner_name = models.CharField(_("partner institution"), max_length=160, blank=True)
    trainer_name = models.CharField(_("trainer"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("revoked by")
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.code} · {self.participant_name}"

    def get_absolute_url(self) -> str:
        return reverse("training:verify") + f"?code={self.code}"

    def get_check_url(self) -> str:
        """The public page the certificate's QR code opens: course, date and whether it is valid, no name."""
        return reverse("training:certificate-check", kwargs={"certificate_token": self.token})

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
