"""What the administrators map to DHIS2, and what DHIS2 answered.

A country is an organisation unit; an indicator (its total, or one value of a breakdown) is a data element
with a category option combination. Only these mapped cells leave, and only as ``dashboards.published``
gives them. Each sending keeps DHIS2's import summary (``Dhis2Import``), shown in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dashboards.indicators import DIMENSIONS, INDICATORS
from ventanillas.models import Country

# DHIS2 identifiers (UIDs): eleven letters and digits, the first a letter.
UID = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9]{10}\Z",
    _("A DHIS2 identifier has 11 letters and digits and starts with a letter (e.g. fbfJHSPpUQD)."),
)


class OrgUnit(models.Model):
    """The DHIS2 organisation unit that stands for a country."""

    country = models.OneToOneField(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("country"))
    org_unit = models.CharField(
        _("organisation unit"),
        max_length=11,
        unique=True,
        validators=[UID],
        help_text=_("The DHIS2 identifier of the country's organisation unit."),
    )

    class Meta:
        verbose_name = _("country in DHIS2")
        verbose_name_plural = _("countries in DHIS2")
        ordering = ["country__code"]

    def __str__(self) -> str:
        return f"{self.country} → {self.org_unit}"


def _indicator_choices():
    return [(i.code, i.name) for i in INDICATORS.values()]


def _dimension_choices():
    return [("", _("Total")), *((d.code, d.name) for d in DIMENSIONS.values())]


class DataElementMapping(models.Model):
    """One published figure, an indicator's total or one value of a breakdown, and the DHIS2 cell it fills."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=_indicator_choices)
    dimension = models.CharField(_("breakdown"), max_length=20, blank=True, choices=_dimension_choices)
    value = models.CharField(
        _("breakdown value"),
        max_length=40,
        blank=True,
        help_text=_(
            "The code of the value in the breakdown (for example female, or HT for Haiti); empty for the total."
        ),
    )
    data_element = models.CharField(_("data element"), max_length=11, validators=[UID])
    category_option_combo = models.CharField(
        _("category option combination"),
        max_length=11,
        blank=True,
        validators=[UID],
        help_text=_("Empty for the data element's default combination."),
    )

    class Meta:
        verbose_name = _("indicator in DHIS2")
        verbose_name_plural = _("indicators in DHIS2")
        ordering = ["indicator", "dimension", "value"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "dimension", "value"], name="interop_mapping_figure"),
            models.UniqueConstraint(fields=["data_element", "category_option_combo"], name="interop_mapping_cell"),
        ]

    def __str__(self) -> str:
        part = f" {self.dimension}={self.value}" if self.dimension else ""
        return f"{self.indicator}{part} → {self.data_element}/{self.category_option_combo or 'default'}"

    def clean(self) -> None:
        indicator = INDICATORS.get(self.indicator)
        if indicator is None:
            return
        if self.dimension and self.dimension not in indicator.dimensions:
            offered = ", ".join(str(DIMENSIONS[d].name) for d in indicator.dimensions) or _("none")
            raise ValidationError(
                {
                    "dimension": _("This indicator has no such breakdown. Its breakdowns: %(offered)s.")
                    % {"offered": offered}
                }
            )
        if self.dimension and not self.value:
            raise ValidationError({"value": _("Give the value of the breakdown this cell counts.")})
        if not self.dimension and self.value:
            raise ValidationError(
                {"value": _("A total has no breakdown value: leave it empty, or choose a breakdown.")}
            )
        dimension = DIMENSIONS.get(self.dimension)
        if dimension and dimension.choices:
            known = [str(code) for code, _label in dimension.choices()]
            if self.value not in known:
                raise ValidationError(
                    {"value": _("%(value)s is not a value of this breakdown. Its values: %(known)s.")
                     % {"value": self.value, "known": ", ".join(known[:40])}}
                )  # fmt: skip


class Dhis2Import(models.Model):
    """One sending of a period's data value set, and DHIS2's import summary of it."""

    class Status(models.TextChoices):
        SUCCESS = "SUCCESS", _("Success")
        WARNING = "WARNING", _("Warning: some values refused")
        ERROR = "ERROR", _("Error: nothing imported")
        UNREACHABLE = "UNREACHABLE", _("No answer from DHIS2")

    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    period = models.CharField(_("period"), max_length=8)
    payload_format = models.CharField(
        _("format"), max_length=4, choices=[("json", "JSON"), ("adx", "ADX")], default="json"
    )
    dry_run = models.BooleanField(_("dry run"), help_text=_("DHIS2 checked the values and stored nothing."))
    values_sent = models.PositiveIntegerField(_("values sent"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    ignored = models.PositiveIntegerField(_("ignored"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    description = models.TextField(_("message"), blank=True)
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True)
    summary = models.JSONField(_("answer of DHIS2"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
        help_text=_("Empty when the schedule sent it."),
    )

    class Meta:
        verbose_name = _("DHIS2 import summary")
        verbose_name_plural = _("DHIS2 import summaries")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period} {'dry run' if self.dry_run else 'import'}: {self.status}"
