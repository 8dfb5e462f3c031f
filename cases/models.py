"""People, consultations, cases and regularization pathways and processes at the information windows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanillas.models import Country


class RegularizationPathway(models.Model):
    """One way to obtain regular status in a country, defined once: the guide and the case checklist use it."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("country"))
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_basis_url = models.URLField(_("legal basis link"), blank=True)
    eligibility = models.TextField(_("who is eligible"), blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    fee_amount = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(_("fee currency"), max_length=3, blank=True, help_text=_("ISO 4217 code."))
    is_free = models.BooleanField(_("free of charge"), default=False)
    typical_processing_days = models.PositiveIntegerField(
        _("typical processing time (days)"),
        null=True,
        blank=True,
        help_text=_("Shown until enough decided processes give an observed figure."),
    )
    typical_processing_text = models.CharField(_("typical processing time, in words"), max_length=200, blank=True)
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Sample content to verify before use."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("regularization pathway")
        verbose_name_plural = _("regularization pathways")
        ordering = ["country__code", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "slug"], name="pathway_slug_unique_per_country")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class PathwayStep(models.Model):
    pathway = models.ForeignKey(
        RegularizationPathway, on_delete=models.CASCADE, related_name="steps", verbose_name=_("pathway")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        ordering = ["pathway", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class PathwayDocument(models.Model):
    pathway = models.ForeignKey(
        RegularizationPathway, on_delete=models.CASCADE, related_name="documents", verbose_name=_("pathway")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("pathway document")
        verbose_name_plural = _("pathway documents")
        ordering = ["pathway", "order", "pk"]

    def __str__(self) -> str:
        return self.name
