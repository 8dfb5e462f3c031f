"""Handovers of a person's file between the windows of two countries: the rules per pair of countries, the
handover itself with the consent it rests on, and the erasure requests one country sends the other.

What a handover shares is read live from the sending window's records each time the receiving window looks,
so a withdrawal of consent stops the sharing at once. See docs/domain.md and docs/personal-data.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person
from privacy.fields import EncryptedTextField
from ventanillas import access
from ventanillas.models import Country, InformationWindow


class Decision(models.TextChoices):
    WITH_CONSENT = "with_consent", _("Allowed with the person's consent")
    WITHOUT_CONSENT = "without_consent", _("Allowed without consent, on a legal basis")
    FORBIDDEN = "forbidden", _("Forbidden")


class PairRule(models.Model):
    """Whether a window of ``from_country`` may hand a file over to ``to_country``. Without a rule, it may not."""

    from_country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("from country")
    )
    to_country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("to country"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.FORBIDDEN)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("The law or agreement that allows a handover without consent, by its name and article."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule for a pair of countries")
        verbose_name_plural = _("rules for pairs of countries")
        ordering = ["from_country__code", "to_country__code"]
        constraints = [models.UniqueConstraint(fields=["from_country", "to_country"], name="handover_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.from_country.code} → {self.to_country.code}"

    def clean(self) -> None:
        if self.from_country_id and self.from_country_id == self.to_country_id:
            raise ValidationError({"to_country": _("A handover goes to another country.")})
        if self.decision == Decision.WITHOUT_CONSENT and not self.legal_basis.strip():
            raise ValidationError({"legal_basis": _("Name the legal basis that allows a handover without consent.")})


class Part(models.TextChoices):
    """The parts of a file a handover may share."""

    IDENTITY = "identity", _("Identity: names, date of birth, sex, nationality, language")
    DOCUMENTS = "documents", _("Documents held: their kinds and validity")
    DOCUMENT_NUMBERS = "document_numbers", _("The numbers of those documents")
    NEEDS = "needs", _("Needs and vulnerabilities")
    HISTORY = "history", _("Process history: stages and dates")


class Purpose(models.TextChoices):
    CONTINUE = "continue", _("To continue the regularization process in the receiving country")
    PROTECTION = "protection", _("For the person's protection")
    SERVICES = "services", _("For services the person needs in the receiving country")
    FAMILY = "family", _("To keep the family together")


class ConsentMethod(models.TextChoices):
    AT_WINDOW = "at_window", _("Given at the window, after reading the notice")
    SIGNED_SLIP = "signed_slip", _("On a printed slip the person signed")
    SMS_CODE = "sms_code", _("By giving back a code sent to them by SMS")
    NONE = "none", _("No consent: the legal basis of the rule")


class Status(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for the person's code")
    PENDING = "pending", _("Waiting for the receiving window")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    STOPPED = "stopped", _("Stopped: consent withdrawn")


class HandoverQuerySet(models.QuerySet):
    def sent_by(self, user) -> HandoverQuerySet:
        """Handovers of the user's windows (or countries, for an officer): the sending side."""
        return self.filter(access.record_scope(user, window_path="from_window"))

    def received_by(self, user) -> HandoverQuerySet:
        """Handovers to the user's windows, and to their countries for an officer (who routes them)."""
        scope = access.record_scope(user, window_path="to_window")
        countries = access.officer_country_ids(user)
        if countries and user.is_active:
            scope |= Q(to_country__in=sorted(countries))
        return self.filter(scope).exclude(status=Status.AWAITING_CONSENT)

    def visible_to(self, user) -> HandoverQuerySet:
        sent = Handover.objects.sent_by(user).order_by().values("pk")
        received = Handover.objects.received_by(user).order_by().values("pk")
        return self.filter(pk__in=sent.union(received))


class Handover(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case handed over"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    from_window = models.ForeignKey(
        InformationWindow, on_delete=models.PROTECT, related_name="+", verbose_name=_("sending window")
    )
    to_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving country")
    )
    to_window = models.ForeignKey(
        InformationWindow,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving window"),
        help_text=_("Empty until the receiving country's officer routes the handover to a window."),
    )
    parts = models.JSONField(_("parts shared"), default=list)
    # "person" (the person's notes), "case" (the case's notes) or "follow_up:<id>": each chosen one by one.
    notes_shared = models.JSONField(_("notes shared"), default=list, blank=True)
    purpose = models.CharField(_("why"), max_length=12, choices=Purpose.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    consent_method = models.CharField(_("consent given"), max_length=12, choices=ConsentMethod.choices)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_language = models.CharField(_("language of the notice"), max_length=5, choices=settings.LANGUAGES)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    # The SMS code's keyed hash while the person's reply is awaited; blanked once confirmed.
    consent_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    # When the code was sent (it holds for ``services.CODE_VALID_FOR``) and how many wrong codes came back.
    consent_code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    consent_code_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"))
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("routed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, null=True)
    received_case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case opened in the receiving country"),
    )
    received_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person in the receiving country"),
    )
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["to_country", "status"]), models.Index(fields=["from_window", "sent_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("handovers:detail", kwargs={"pk": self.pk})

    @property
    def sharing(self) -> bool:
        """Whether the receiving side may read the shared parts now."""
        consent_ok = self.consent_method == ConsentMethod.NONE or (
            self.consent_given_at is not None and self.consent_withdrawn_at is None
        )
        return consent_ok and self.status in (Status.PENDING, Status.ACCEPTED)

    @property
    def withdrawable(self) -> bool:
        return (
            self.consent_method != ConsentMethod.NONE
            and self.consent_withdrawn_at is None
            and self.status in (Status.AWAITING_CONSENT, Status.PENDING, Status.ACCEPTED)
        )


class ErasureRequest(models.Model):
    """One country erased a person and asks the other country of a handover to erase them too, by a deadline."""

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="erasure_requests", verbose_name=_("handover")
    )
    # The side asked to erase: the window whose record of the person must go.
    window = models.ForeignKey(
        InformationWindow, on_delete=models.PROTECT, related_name="+", verbose_name=_("window asked")
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("person to erase")
    )
    asked_at = models.DateTimeField(_("asked at"))
    due_on = models.DateField(_("answer due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["handover", "window"], name="handover_erasure_once_per_side")]

    def __str__(self) -> str:
        return f"{self.handover} · {self.due_on}"
