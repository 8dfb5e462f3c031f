"""The outbox: every message is a row first, then sent by a task, exactly once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class MessageQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> MessageQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def pending(self) -> MessageQuerySet:
        return self.filter(status=Message.Status.SCHEDULED)


class Message(models.Model):
    """One message to one recipient on one channel, rendered in the recipient's language when sent.

    ``due_at`` is the next moment the row may be sent (first attempt or retry); a worker claims the row
    by moving it to "sending" with a lease, so a crashed worker's claim is taken over once the lease ends.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        # An e-mail whose worker stopped during the SMTP call: never resent without an administrator.
        STUCK = "stuck", _("Stuck: check and resend or mark sent")

    # Sent to the gateway as an idempotency key: a resend after a crash is recognised there.
    uuid = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(
        _("unique key"),
        max_length=255,
        unique=True,
        help_text=_("The same reminder (object, kind, channel, recipient, due time) is queued only once."),
    )
    kind = models.CharField(_("kind"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Personal data: encrypted at rest, never logged at INFO.
    recipient = EncryptedTextField(_("recipient"), blank=True)
    # A keyed hash of the address (notifications.keys.recipient_hash): finds the messages sent to an address.
    recipient_hash = models.CharField(
        _("recipient (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False
    )
    language = models.CharField(_("language"), max_length=5)
    template = models.CharField(
        _("template"), max_length=200, help_text=_("Prefix of the <prefix>_subject.txt and <prefix>_body.txt files.")
    )
    context = EncryptedTextField(_("context"), blank=True, default="{}")
    # The context holds a secret (a PIN) not yet masked: it is masked once the message is sent or cancelled.
    secrets_held = models.BooleanField(_("holds a secret"), default=False, db_index=True, editable=False)
    time_zone = models.CharField(_("time zone"), max_length=40, blank=True)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    provider_id = models.CharField(_("provider reference"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    handed_at = models.DateTimeField(_("handed to the channel at"), null=True, blank=True)
    # The person written to, as "app.model:pk" (empty for staff): consent is asked again when sending, and
    # erasure, retention and the subject-access export find the person's messages by it.
    addressee = models.CharField(_("person written to"), max_length=80, blank=True, db_index=True)
    purged_at = models.DateTimeField(
        _("recipient and content removed at"),
        null=True,
        blank=True,
        help_text=_("Set by the retention run or an erasure; the row stays for the counts."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.SET_NULL, null=True, blank=True
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notif_msg_status_due"),
            models.Index(fields=["content_type", "object_id", "kind"], name="notif_msg_object_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.channel}, {self.status})"


def _report_path(report: Report, filename: str) -> str:
    # Unguessable names: reports are served only through the access-checked download view.
    place = report.country.code.lower() if report.country_id else "region"
    return f"reports/{place}/{report.period_start:%Y-%m}-{uuid.uuid4().hex}-{filename}"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        """Country reports of the countries whose figures the user may see; regional ones for regional officers."""
        from ventanillas import access
        from ventanillas.models import Role

        scope = models.Q(country__in=access.aggregate_countries(user))
        if access.has_role(user, Role.REGIONAL_OFFICER):
            scope |= models.Q(country__isnull=True)
        return self.filter(scope)


class Report(models.Model):
    """A stored report of one period: per country every month, for the whole region every quarter."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly country report")
        QUARTERLY = "quarterly", _("Quarterly regional report")

    class Status(models.TextChoices):
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        INCOMPLETE = "incomplete", _("Incomplete: a section failed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    country = models.ForeignKey(
        "ventanillas.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Empty for a regional report."),
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("day after the last"), help_text=_("The period ends before this day."))
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, help_text=_("A rebuilt report is a new version; the older ones are kept.")
    )
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    xlsx = models.FileField(_("spreadsheet"), upload_to=_report_path, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_report_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    figures_digest = models.CharField(
        _("fingerprint of the figures"), max_length=64, blank=True,
        help_text=_("Tells whether the figures have changed since the report was built."),
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "country__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "country", "period_start", "version"],
                condition=models.Q(country__isnull=False),
                name="notif_report_one_version_per_country_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "version"],
                condition=models.Q(country__isnull=True),
                name="notif_report_one_regional_version_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.country or _('Region')} {self.period_start:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:report-detail", kwargs={"pk": self.pk})

    @property
    def last_day(self) -> date:
        return self.period_end - timedelta(days=1)


class StopEntry(models.Model):
    """A number that asked not to be written to on a channel (it texted STOP, or the gateway refused it as
    unsubscribed): the dispatcher sends it nothing more on that channel but the one confirmation. The
    number is encrypted; its keyed hash finds it."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = EncryptedTextField(_("number"), blank=True)
    address_hash = models.CharField(_("number (keyed hash)"), max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("number that asked to stop")
        verbose_name_plural = _("numbers that asked to stop")
        constraints = [models.UniqueConstraint(fields=["channel", "address_hash"], name="notif_stop_unique")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"
