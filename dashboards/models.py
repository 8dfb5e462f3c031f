"""Roll-up tables the dashboards read, programme targets and API tokens.

The roll-ups hold counts only, never a person's data: one row per country, window, day, indicator and
breakdown value. ``dashboards.rollups`` writes them (whole (country, day) slices at a time) and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ventanillas.access import memberships
from ventanillas.models import Country, InformationWindow

from .indicators import INDICATORS

# The roll-up tables' references to countries and windows: derived rows, written millions at a time by the
# roll-up writers alone from rows that reference them already, so the database checks no constraint on each
# (a full rebuild's deferred checks took a minute at commit) and keeps no index on the window alone; a deleted
# country or window still takes its rows along (Django's cascade).
DERIVED = {"db_constraint": False, "db_index": False}


class DailyFact(models.Model):
    """How many events of an indicator happened on a day at a window, in total (dimension "") or for one
    value of a breakdown dimension (sex "female", nationality "HT"...)."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", **DERIVED)
    window = models.ForeignKey(InformationWindow, on_delete=models.CASCADE, null=True, related_name="+", **DERIVED)
    day = models.DateField()
    indicator = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        # Every dashboard query filters on dimension and a day range, for one country or all of them.
        indexes = [
            models.Index(fields=["dimension", "country", "day"], name="dailyfact_dim_country_day"),
            # The writers replace a country's days.
            models.Index(fields=["country", "day"], name="dailyfact_country_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.indicator} {self.dimension}={self.value}: {self.count}"


class UniqueFact(models.Model):
    """One person (or training participant) active on a day, so that a period counts each person once.

    Each row also names the day the same person last appeared under the same indicator, dimension and value
    before it, in any country (``previous_day``) and in the same country (``previous_day_in_country``); a
    second row of one person on one day (another window) names that same day, and a first appearance none.
    The people of any days [start, end] are then exactly the rows of those days whose previous day is empty or
    before ``start``: a count of rows, not of distinct people. ``dashboards.rollups.link`` keeps both exact
    whenever rows are written."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", **DERIVED)
    window = models.ForeignKey(InformationWindow, on_delete=models.CASCADE, null=True, related_name="+", **DERIVED)
    day = models.DateField()
    indicator = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=40, blank=True)
    subject = models.BigIntegerField()
    previous_day = models.DateField(null=True)
    previous_day_in_country = models.DateField(null=True)

    class Meta:
        verbose_name = _("daily person")
        verbose_name_plural = _("daily people")
        # A custom period reads one indicator's rows of a range of days: the indicator leads the index, which
        # (on PostgreSQL) holds every column that count reads, so the table itself is not read.
        indexes = [
            models.Index(
                fields=["indicator", "dimension", "country", "day"],
                include=["value", "previous_day", "previous_day_in_country"],
                name="uniquefact_ind_dim_country_day",
            ),
            # Linking the rows of the people a write touched (``rollups.link``).
            models.Index(fields=["subject"], name="uniquefact_subject"),
            # The writers replace a country's days.
            models.Index(fields=["country", "day"], name="uniquefact_country_day"),
            # A period from the programme's start (the targets' "whole programme") counts first-ever rows
            # only: these hold them alone, a fraction of all rows.
            models.Index(
                fields=["indicator", "dimension", "day"],
                include=["value", "country"],
                condition=models.Q(previous_day__isnull=True),
                name="uniquefact_first_ever",
            ),
            models.Index(
                fields=["indicator", "dimension", "country", "day"],
                include=["value"],
                condition=models.Q(previous_day_in_country__isnull=True),
                name="uniquefact_first_in_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.indicator} {self.dimension}={self.value}"


class ProcessingFact(models.Model):
    """A histogram of processing times: ``count`` processes decided on ``day`` took ``days`` days from
    submission, so that the median and 90th percentile of any period come exactly from the roll-up."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", **DERIVED)
    window = models.ForeignKey(InformationWindow, on_delete=models.CASCADE, related_name="+", **DERIVED)
    pathway_id = models.BigIntegerField()
    day = models.DateField()
    days = models.IntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("processing time figure")
        verbose_name_plural = _("processing time figures")
        indexes = [models.Index(fields=["country", "day"], name="processingfact_country_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.days}d × {self.count}"


class RollupState(models.Model):
    """When the roll-ups were last brought up to date: the start of the last complete run."""

    key = models.CharField(max_length=40, unique=True)
    data_as_of = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up states")

    def __str__(self) -> str:
        return f"{self.key}: {self.data_as_of:%Y-%m-%d %H:%M}"


class Target(models.Model):
    """What the programme aims to achieve on an indicator: in a country (or the whole region) and a year
    (or the whole programme)."""

    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
        help_text=_("Empty for a target of the whole region."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty for a target of the whole programme.")
    )
    indicator = models.CharField(_("indicator"), max_length=40, choices=[(i.code, i.name) for i in INDICATORS.values()])
    value = models.PositiveIntegerField(_("target"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["country__code", "year", "indicator"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.country or '—'} {self.year or '—'}: {self.value}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def find(self, raw: str) -> ApiToken | None:
        """The unrevoked token of an active account with this value, expired or not, or None. Only the hash is
        stored, so a leaked table is useless."""
        if not raw:
            return None
        return (
            self.filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .select_related("user")
            .first()
        )

    def authenticate(self, raw: str) -> ApiToken | None:
        """The token with this value if it may be used now (not revoked, not expired), or None."""
        token = self.find(raw)
        return None if token is None or token.is_expired else token


class ApiToken(models.Model):
    """A read-only key to the figures API, acting with its user's rights (``Authorization: Bearer ...``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("first characters"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        """Create a token that works for ``days`` (API_TOKEN_DAYS by default); the raw value is returned once
        and never stored. An inactive account, or one without a role, gets none (ValueError)."""
        if not user.is_active:
            raise ValueError("the account is not active")
        if not (user.is_superuser or memberships(user)):
            raise ValueError("the account has no role")
        days = settings.API_TOKEN_DAYS if days is None else days
        if days < 1:
            raise ValueError("a token works for at least one day")
        # Never starting with "-": its first characters name it on a command line (revoke_api_token), where a
        # leading dash reads as an option.
        raw = "-"
        while raw.startswith("-"):
            raw = secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=days)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], key_hash=hash_token(raw), expires_at=expires_at
        )
        return token, raw

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class ApiTokenDay(models.Model):
    """What one token asked on one day: requests answered, requests refused past a limit, and how many
    distinct periods it asked for. Administrators see it beside the token; a token that sweeps periods stands
    out here before the limit stops it."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="days", verbose_name=_("token"))
    day = models.DateField(_("day"))
    requests = models.PositiveIntegerField(_("requests"), default=0)
    refused = models.PositiveIntegerField(_("refused past a limit"), default=0)
    periods = models.PositiveIntegerField(_("distinct periods"), default=0)

    class Meta:
        verbose_name = _("API use on a day")
        verbose_name_plural = _("API use per day")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["token", "day"], name="apitokenday_token_day")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.day}: {self.requests}"


class ApiTokenPeriod(models.Model):
    """A period a token asked for on a day: counted once, so that ``ApiTokenDay.periods`` is distinct."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    start = models.DateField()
    end = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "day", "start", "end"], name="apitokenperiod_unique")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.day}: {self.start} to {self.end}"


class PeriodUnique(models.Model):
    """People counted once in a whole month, quarter or year, in a country (or, with no country, the
    region), in total or per breakdown value: what a dashboard reads instead of counting distinct people
    over hundreds of thousands of daily rows. Kept up to date with the daily rows it is computed from."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=8)
    start = models.DateField()
    indicator = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("people in a period")
        verbose_name_plural = _("people in periods")
        indexes = [models.Index(fields=["kind", "start", "dimension"], name="periodunique_kind_start")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} {self.indicator} {self.dimension}={self.value}: {self.count}"
