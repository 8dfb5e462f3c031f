"""A person's own look at their regularization process: a reference and a PIN, and every look-up made.

The reference is random (nothing about the person, the window or the authority's file can be read from it);
the PIN is stored only as a password hash. ``Lookup`` is the audit of every attempt, on the web or by
message: the reference as typed, the channel and the outcome, never the PIN or the sender's number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import RegularizationProcess
from ventanillas.models import Country


class StatusAccess(models.Model):
    process = models.OneToOneField(
        RegularizationProcess,
        on_delete=models.CASCADE,
        related_name="status_access",
        verbose_name=_("regularization process"),
    )
    reference = models.CharField(_("reference"), max_length=9, unique=True)
    pin_hash = models.CharField(_("PIN (hashed)"), max_length=128)
    # Counts the PINs issued: a slip or a link made for an older PIN stops working with a new one.
    pin_version = models.PositiveIntegerField(_("PIN version"), default=1)
    enabled = models.BooleanField(_("check turned on"), default=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong PINs in a row"), default=0)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("PIN issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PIN issued by"),
    )
    # The form that issued the current PIN: the same form posted twice (a double click) issues one PIN.
    issue_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)
    turned_off_at = models.DateTimeField(_("turned off at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last successful look-up"), null=True, blank=True)

    class Meta:
        verbose_name = _("status check access")
        verbose_name_plural = _("status check accesses")

    def __str__(self) -> str:
        return self.reference

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class LookupChannel(models.TextChoices):
    WEB = "web", _("Web page")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class LookupOutcome(models.TextChoices):
    SHOWN = "shown", _("Status shown")
    WRONG_PIN = "wrong_pin", _("Wrong PIN")
    UNKNOWN = "unknown", _("No such reference")
    LOCKED = "locked", _("Locked after wrong PINs")
    OFF = "off", _("Check turned off")
    THROTTLED = "throttled", _("Too many tries")
    MALFORMED = "malformed", _("Not a reference and PIN")
    TURNED_OFF = "turned_off", _("Turned off by the person")


class Lookup(models.Model):
    """One attempt to read a status. Kept without personal data: it is the audit and the indicator."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=LookupChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=LookupOutcome.choices)
    reference = models.CharField(_("reference as typed"), max_length=9, blank=True)
    access = models.ForeignKey(
        StatusAccess, on_delete=models.SET_NULL, null=True, blank=True, related_name="lookups", verbose_name=_("access")
    )
    country = models.ForeignKey(
        Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    # The gateway's id of an inbound message: a webhook delivered twice is answered once.
    provider_ref = models.CharField(_("gateway message id"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("status look-up")
        verbose_name_plural = _("status look-ups")
        ordering = ["-at"]
        indexes = [models.Index(fields=["country", "channel", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.outcome}"
