"""Countries, information windows, partner organisations and staff memberships."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpers.marked import Marked


class Service(models.TextChoices):
    """What a window or a partner offers; also the services a referral asks for."""

    INFORMATION = "information", _("Information and orientation")
    REGULARIZATION = "regularization", _("Help with regularization procedures")
    ASYLUM = "asylum", _("Asylum and refugee protection")
    LEGAL = "legal", _("Legal advice")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HEALTH = "health", _("Health care")
    SHELTER = "shelter", _("Shelter")
    EMPLOYMENT = "employment", _("Employment and labour migration")
    EDUCATION = "education", _("Education")
    RETURN = "return", _("Assisted voluntary return")
    FAMILY = "family", _("Family reunification")
    PROTECTION = "protection", _("Protection of children and survivors of violence")


class Sex(models.TextChoices):
    """One taxonomy of sex for the whole programme: people at the windows and people trained are reported
    to donors in the same rows."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    OTHER = "other", _("Another sex")
    UNKNOWN = "unknown", _("Not stated")


# The cities that name the programme's time zones, so that readers never see "America/Port-au-Prince".
ZONE_CITIES = {
    "America/Belize": _("Belize City"),
    "America/Costa_Rica": _("San José"),
    "America/El_Salvador": _("San Salvador"),
    "America/Guatemala": _("Guatemala City"),
    "America/Grenada": _("St. George's"),
    "America/Port-au-Prince": _("Port-au-Prince"),
    "America/Tegucigalpa": _("Tegucigalpa"),
    "America/Mexico_City": _("Mexico City"),
    "America/Panama": _("Panama City"),
    "America/Paramaribo": _("Paramaribo"),
    "America/Santo_Domingo": _("Santo Domingo"),
}


class Country(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2, upper case."))
    name = models.CharField(_("name"), max_length=80)
    default_language = models.CharField(_("default language"), max_length=5, choices=settings.LANGUAGES)
    public_languages = models.JSONField(
        _("public languages"),
        default=list,
        help_text=_("Languages offered to the public in this country, the default first."),
    )
    time_zone = models.CharField(_("time zone"), max_length=40)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code."))
    other_currencies = models.CharField(
        _("other currencies in use"), max_length=20, blank=True, help_text=_("ISO 4217 codes, comma-separated.")
    )
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=5 * 365,
        help_text=_("Closed cases older than this are anonymised, keeping only statistics."),
    )
    solo_emergency_publishing = models.BooleanField(
        _("an editor may publish an emergency alert alone"),
        default=False,
        help_text=_(
            "Every text is published by an editor other than its writer; with this on, an editor may publish a "
            "text marked as an emergency alert alone. The history shows it."
        ),
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ventanillas:window-list", kwargs={"country": self.slug})

    @property
    def slug(self) -> str:
        return self.code.lower()

    @cached_property
    def zoneinfo(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def time_zone_city(self) -> str:
        """The city whose clock the country keeps, in the reader's language ("Santo Domingo", "Pòtoprens"),
        for pages that would otherwise print a zone identifier such as "America/Santo_Domingo"."""
        return str(ZONE_CITIES.get(self.time_zone) or self.time_zone.rsplit("/", 1)[-1].replace("_", " "))

    def clean(self) -> None:
        codes = {code for code, _name in settings.LANGUAGES}
        if not self.public_languages or any(lang not in codes for lang in self.public_languages):
            raise ValidationError({"public_languages": _("Choose languages among those of the portal.")})
        if self.public_languages[0] != self.default_language:
            raise ValidationError({"public_languages": _("The default language must be listed first.")})
        try:
            ZoneInfo(self.time_zone)
        except (KeyError, ValueError) as exc:
            raise ValidationError({"time_zone": _("This is not a known time zone.")}) from exc


class InformationWindow(models.Model):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="windows", verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    city = models.CharField(_("city"), max_length=80)
    region = models.CharField(
        _("department or province"),
        max_length=80,
        blank=True,
        help_text=_("Readers pick it to see the windows nearest to them first."),
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    services = models.JSONField(_("services offered"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    host_institution = models.CharField(
        _("host institution"), max_length=160, blank=True, help_text=_("Who runs the window on site.")
    )
    active = models.BooleanField(_("active"), default=True)
    text_language = models.CharField(
        _("language of its name and address"),
        max_length=5,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language the name and address are written in, if not the country's."),
    )
    host_language = models.CharField(
        _("language of the host institution's name"),
        max_length=5,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_('If not the language of the window\'s name (a Haitian town hall is a "mairie").'),
    )

    class Meta:
        verbose_name = _("information window")
        verbose_name_plural = _("information windows")
        ordering = ["country__code", "city", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "slug"], name="window_slug_unique_per_country")]

    def __str__(self) -> str:
        # Marked with its language when that costs no query (the country loaded with the window, or a
        # language of its own): a list of windows selects their countries (``select_related``).
        known = self.text_language or InformationWindow.country.is_cached(self)
        return Marked(f"{self.name} ({self.city})", self.written_in if known else "")

    def get_absolute_url(self) -> str:
        return reverse("ventanillas:window-list", kwargs={"country": self.country.slug}) + f"#{self.slug}"

    @property
    def written_in(self) -> str:
        """The language of the window's name and address, for the ``lang`` they are shown with."""
        return self.text_language or self.country.default_language

    @property
    def host_written_in(self) -> str:
        return self.host_language or self.written_in

    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [labels[code] for code in self.services if code in labels]

    def whatsapp_link(self) -> str:
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        return f"https://wa.me/{digits}" if digits else ""

    def phone_link(self) -> str:
        """A tap-to-call link: "+506 2299-8119" -> "tel:+50622998119"."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if not digits:
            return ""
        return f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}"

    def geo_uri(self) -> str:
        """A map link every phone understands, always with dot decimals whatever the reader's language
        ("geo:9,928100,-84,090700" under a comma-decimal locale opened nothing)."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = format(self.latitude.normalize(), "f"), format(self.longitude.normalize(), "f")
        return f"geo:{lat},{lon}?q={lat},{lon}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening interval, in the country's local time; a day may have several (a lunch break)."""

    window = models.ForeignKey(
        InformationWindow, on_delete=models.CASCADE, related_name="hours", verbose_name=_("window")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"),
            models.UniqueConstraint(fields=["window", "weekday", "opens"], name="hours_unique_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a window is closed: a public holiday for the whole country, or one window's closure."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="closures", verbose_name=_("country"))
    window = models.ForeignKey(
        InformationWindow,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        verbose_name=_("window"),
        help_text=_("Empty for a closure of every window of the country (a public holiday)."),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=120)

    class Meta:
        verbose_name = _("closure or holiday")
        verbose_name_plural = _("closures and holidays")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="closure_days_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.first_day}–{self.last_day})"


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=160)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="partners",
        null=True,
        blank=True,
        verbose_name=_("country"),
        help_text=_("Empty for a regional partner that works in every country."),
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        # The full name first: an acronym alone ("CR", "ACNUR") says little to a new colleague or a migrant.
        text = f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name
        known = not self.country_id or PartnerOrganisation.country.is_cached(self)  # as for a window, no query
        return Marked(text, self.language if known else "")

    @property
    def language(self) -> str:
        """The language the partner is written to in: its country's default (the portal's for a regional one)."""
        return self.country.default_language if self.country_id else settings.LANGUAGE_CODE

    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [labels[code] for code in self.services if code in labels]


class Role(models.TextChoices):
    WINDOW_STAFF = "window_staff", _("Window staff")
    COUNTRY_OFFICER = "country_officer", _("Country officer")
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    TRAINER = "trainer", _("Trainer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """What one person may do, and where: the only source of access rules (see ventanillas.access)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("country"),
        help_text=_("For country officers, content editors and trainers."),
    )
    window = models.ForeignKey(
        InformationWindow,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("window"),
        help_text=_("For window staff."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("For content editors: the language they may publish in."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "country", "window", "language"],
                name="membership_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~models.Q(role="window_staff") | models.Q(window__isnull=False),
                name="membership_staff_has_window",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["country_officer", "content_editor"]) | models.Q(country__isnull=False),
                name="membership_officer_editor_has_country",
            ),
        ]

    def __str__(self) -> str:
        where = self.window or self.country or _("all countries")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        if self.role == Role.WINDOW_STAFF:
            if not self.window_id:
                raise ValidationError({"window": _("Window staff must belong to a window.")})
            self.country_id = self.window.country_id
        if self.role in (Role.COUNTRY_OFFICER, Role.CONTENT_EDITOR) and not self.country_id:
            raise ValidationError({"country": _("Choose the country this role covers.")})
        if self.role == Role.CONTENT_EDITOR and not self.language:
            raise ValidationError({"language": _("Choose the language this editor may publish in.")})
