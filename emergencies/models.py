"""Crisis mode: an emergency declared in a country, its texts in the country's public languages, the
service points people can go to, and the CAP bulletins that publish each change (docs/crisis.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from privacy.fields import EncryptedCharField, KeyedTokensField
from ventanillas import access


class Kind(models.TextChoices):
    HURRICANE = "hurricane", _("Hurricane")
    EARTHQUAKE = "earthquake", _("Earthquake")
    FLOOD = "flood", _("Flood")
    ARRIVALS = "arrivals", _("Mass arrival of people")
    OTHER = "other", _("Other emergency")


class Severity(models.TextChoices):
    """The CAP 1.2 severities, so that a bulletin says what the page says."""

    EXTREME = "Extreme", _("Extreme: an extraordinary threat to life")
    SEVERE = "Severe", _("Severe: a significant threat to life")
    MODERATE = "Moderate", _("Moderate: a possible threat to life")
    MINOR = "Minor", _("Minor: little threat to life")


class EmergencyQuerySet(models.QuerySet):
    def visible_to(self, user, *, manage: bool = False) -> EmergencyQuerySet:
        return self.filter(access.emergency_scope(user, manage=manage))

    def active(self, now=None) -> EmergencyQuerySet:
        now = now or timezone.now()
        return self.filter(ended_at__isnull=True, starts_at__lte=now)


class Emergency(models.Model):
    """One emergency in one country. A regional officer declaring for several countries makes one per country."""

    country = models.ForeignKey(
        "ventanillas.Country", on_delete=models.PROTECT, related_name="emergencies", verbose_name=_("country")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    regions = models.JSONField(
        _("regions"), default=list, blank=True, help_text=_("Window regions affected; none means the whole country.")
    )
    starts_at = models.DateTimeField(_("start"))
    expected_end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    source_language = models.CharField(_("language it was written in"), max_length=5, choices=settings.LANGUAGES)
    hotlines = models.TextField(
        _("hotlines"),
        blank=True,
        help_text=_('One a line: the number, then who answers ("+509 2943 0000 Civil protection").'),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EmergencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["country", "ended_at"], name="emergency_country_ended")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.country.code}, {self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("emergencies:page", kwargs={"country": self.country.slug, "pk": self.pk})

    @property
    def is_over(self) -> bool:
        return self.ended_at is not None

    def hotline_rows(self) -> list[tuple[str, str, str]]:
        """(number as written, tel: link, who answers) for each line of ``hotlines``."""
        rows = []
        for line in self.hotlines.splitlines():
            line = line.strip()
            if not line:
                continue
            number, _sep, label = line.partition(" ")
            while label and (label[0].isdigit() or label[0] in "-. "):
                more, _sep, label = label.partition(" ")
                number = f"{number} {more}"
            digits = "".join(ch for ch in number if ch.isdigit())
            link = f"tel:{'+' if number.startswith('+') else ''}{digits}" if digits else ""
            rows.append((number, link, label.strip()))
        return rows


class EmergencyText(models.Model):
    """What the emergency page says in one language. A public language without a row awaits translation."""

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="texts", verbose_name=_("emergency")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=140)
    instructions = models.TextField(_("what to do now"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("emergency text")
        verbose_name_plural = _("emergency texts")
        constraints = [models.UniqueConstraint(fields=["emergency", "language"], name="emergency_text_per_language")]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class PointKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health post")
    REGISTRATION = "registration", _("Registration point")
    FOOD = "food", _("Food distribution")
    WINDOW = "window", _("Information window")


class PointState(models.TextChoices):
    OPEN = "open", _("Open")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Closed")


class ServicePoint(models.Model):
    """A place people can go to during the emergency, with its state as staff last set it."""

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="points", verbose_name=_("emergency")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PointKind.choices)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    region = models.CharField(_("department or province"), max_length=80, blank=True)
    hours = models.CharField(
        _("hours"), max_length=80, blank=True, help_text=_('As written on the door ("24 h", "8:00-17:00").')
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    occupancy = models.PositiveIntegerField(_("people there now"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=PointState.choices, default=PointState.OPEN)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def phone_link(self) -> str:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}" if digits else ""

    def geo_uri(self) -> str:
        """A map link every phone understands, with dot decimals whatever the reader's language."""
        if self.latitude is None or self.longitude is None:
            return ""
        return f"geo:{float(self.latitude):.6f},{float(self.longitude):.6f}"


class Bulletin(models.Model):
    """One CAP 1.2 message: the emergency as it stood after a change, kept as published (never edited)."""

    class MessageType(models.TextChoices):
        ALERT = "Alert", _("Declared")
        UPDATE = "Update", _("Corrected")
        CANCEL = "Cancel", _("Ended")

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="bulletins", verbose_name=_("emergency")
    )
    number = models.PositiveIntegerField(_("number"))
    message_type = models.CharField(_("message type"), max_length=6, choices=MessageType.choices)
    sent_at = models.DateTimeField(_("sent at"))
    # The emergency's fields and texts at this version (emergencies.cap reads it): a bulletin never changes.
    snapshot = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("CAP bulletin")
        verbose_name_plural = _("CAP bulletins")
        ordering = ["-sent_at", "-number"]
        constraints = [models.UniqueConstraint(fields=["emergency", "number"], name="bulletin_number_unique")]

    def __str__(self) -> str:
        return f"{self.emergency_id}-{self.number} {self.message_type}"


class Broadcast(models.Model):
    """One sending of the emergency's message to the people who asked for emergency messages.

    The messages themselves are rows of the outbox (notifications), tied to this row: their statuses are
    the broadcast's progress, and pausing, resuming or cancelling acts on them.
    """

    class Status(models.TextChoices):
        QUEUEING = "queueing", _("Being queued")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="broadcasts", verbose_name=_("emergency")
    )
    version = models.PositiveIntegerField(_("version of the emergency sent"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUEING)
    recipients = models.PositiveIntegerField(_("people written to"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.emergency_id}/{self.pk} {self.status}"


class Need(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food and water")
    HEALTH = "health", _("Health care")
    DOCUMENTS = "documents", _("Lost documents")
    FAMILY = "family", _("Family separated")
    PROTECTION = "protection", _("Protection")
    INFORMATION = "information", _("Information")


class Vulnerability(models.TextChoices):
    CHILD_ALONE = "child_alone", _("Child alone or separated")
    PREGNANT = "pregnant", _("Pregnant or breastfeeding")
    DISABILITY = "disability", _("Disability")
    OLDER = "older", _("Older person")
    ILLNESS = "illness", _("Serious or chronic illness")
    VIOLENCE = "violence", _("Survivor of violence")


class ArrivalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ArrivalQuerySet:
        return self.filter(access.emergency_scope(user, country_path="point__emergency__country"))


class Arrival(models.Model):
    """A household registered at a service point during an emergency: counted apart from consultations.

    Only what the point needs to help and to count; a name and a phone only when the person wants to be
    contacted or found, on their consent, encrypted.
    """

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="arrivals", verbose_name=_("service point")
    )
    household_size = models.PositiveSmallIntegerField(_("people in the household"))
    language = models.CharField(_("language spoken"), max_length=5, choices=settings.LANGUAGES)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    came_from = CountryField(_("came from"), blank=True)
    contact_name = EncryptedCharField(_("name"), max_length=120, blank=True, null=True)
    # The blind index of the name (cases.name_index, as for people): keyed hashes of the pieces of its words,
    # which the "looking for" matching reads; no name, nor any word of it, is stored in clear.
    name_tokens = KeyedTokensField()
    contact_phone = EncryptedCharField(_("phone"), max_length=30, blank=True, null=True)
    contact_consent = models.BooleanField(_("agrees to be contacted and found"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    # The person record the household became at a window (emergencies.services.link_arrival), kept so that
    # nobody types it twice and the figures can tell registrations that reached a window.
    person = models.ForeignKey(
        "cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    objects = ArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.pk}"


class LookingForQuerySet(models.QuerySet):
    def visible_to(self, user) -> LookingForQuerySet:
        return self.filter(access.emergency_scope(user, country_path="emergency__country"))


class LookingFor(models.Model):
    """Someone searching for a relative during an emergency: matched against the registrations, shown to
    staff only, never on a public page."""

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="searches", verbose_name=_("emergency")
    )
    sought_name = EncryptedCharField(_("name of the person sought"), max_length=120)
    seeker_phone = EncryptedCharField(_("phone of the person searching"), max_length=30, blank=True, null=True)
    seeker_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    found = models.ForeignKey(
        Arrival, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("found")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = LookingForQuerySet.as_manager()

    class Meta:
        verbose_name = _("person looked for")
        verbose_name_plural = _("people looked for")
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.emergency_id}/{self.pk}"
