"""People, consultations, cases and regularization pathways and processes at the information windows."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from helpers.marked import Marked
from privacy.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField, KeyedTokensField
from ventanillas import access
from ventanillas.models import Country, InformationWindow, PartnerOrganisation, Service, Sex

from .countries import NationalityCountries, PortalCountries


class RegularizationPathway(models.Model):
    """One way to obtain regular status in a country, defined once: the guide and the case checklist use it.

    Its fees, announced times, legal basis and authority are ``PathwayFact`` rows, each with its source and how
    sure it is; the guide's fee box and its text read those rows, so there is no second copy to drift.
    """

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("country"))
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    eligibility = models.TextField(_("who is eligible"), blank=True)
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
        return Marked(f"{self.name} ({self.country.code})", self.name_language)

    @property
    def name_language(self) -> str:
        """The language ``name`` is read in: the reader's when translated, else the fallback that has it (the
        official names are often in Spanish only), for the ``lang`` of the text around it."""
        from django.conf import settings
        from django.utils.translation import get_language

        for code in (get_language(), *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
            if getattr(self, f"name_{code}", None):
                return code
        return settings.LANGUAGE_CODE

    @property
    def documents_language(self) -> str:
        """Document names are not translated: they are written in the portal's default language, in which every
        pathway is defined first."""
        from django.conf import settings

        return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


class FactStatus(models.TextChoices):
    """How sure a fact shown to migrants is."""

    CONFIRMED = "confirmed", pgettext_lazy("fact status", "Confirmed")
    TO_VERIFY = "to_verify", _("To verify")
    DISPUTED = "disputed", _("Disputed")
    APPLIES_ONLY = "applies_only", _("Applies only to some people")


class FactKind(models.TextChoices):
    FEE = "fee", _("Fee")
    TIME = "time", _("Announced processing time")
    LEGAL_BASIS = "legal_basis", _("Legal basis")
    AUTHORITY = "authority", _("Authority")


class Provenance(models.Model):
    """Where a fact comes from, when it was last checked and how sure it is."""

    status = models.CharField(_("status"), max_length=12, choices=FactStatus.choices, default=FactStatus.TO_VERIFY)
    applies_to = models.CharField(
        _("applies only to"),
        max_length=200,
        blank=True,
        help_text=_("Whom the fact concerns, when not everyone: e.g. nationals of CARICOM states."),
    )
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.status == FactStatus.APPLIES_ONLY and not self.applies_to:
            raise ValidationError({"applies_to": _("Say whom this fact applies to.")})
        if self.status == FactStatus.CONFIRMED and not (self.source_name and self.checked_on):
            raise ValidationError({"status": _("A confirmed fact needs its source and the date it was checked.")})


class PathwayFact(Provenance):
    """One fact of a pathway shown to migrants: a fee, an announced time, the legal basis or the authority.

    A pathway may have several facts of a kind (a fee per nationality, a fee the sources dispute).
    """

    pathway = models.ForeignKey(
        RegularizationPathway, on_delete=models.CASCADE, related_name="facts", verbose_name=_("pathway")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FactKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(
        _("proper name"),
        max_length=300,
        blank=True,
        help_text=_("A law's or an office's own name, in its own language; it is not translated."),
    )
    name_language = models.CharField(_("language of the name"), max_length=5, choices=settings.LANGUAGES, blank=True)
    text = models.CharField(
        _("in words"), max_length=300, blank=True, help_text=_('E.g. "8 to 12 weeks" or "per adult".')
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("0 for a free procedure."),
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code."))
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pathway fact")
        verbose_name_plural = _("pathway facts")
        ordering = ["pathway", "kind", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name or self.text or self.amount or self.days}"

    @property
    def is_free(self) -> bool:
        return self.kind == FactKind.FEE and self.amount is not None and self.amount == 0


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


class PathwayDocument(Provenance):
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


# --- Taxonomies -------------------------------------------------------------------------------------------


class Topic(models.TextChoices):
    REGULARIZATION = "regularization", _("Regularization")
    ASYLUM = "asylum", _("Asylum and refugee status")
    LABOUR = "labour", _("Labour migration")
    RETURN = "return", _("Return")
    FAMILY = "family", _("Family reunification")
    DOCUMENTS = "documents", _("Identity and civil documents")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    RISKS = "risks", _("Risks of irregular migration")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    OUTREACH = "outreach", _("Outreach")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other identity")
    UNKNOWN = "unknown", _("Not stated")


class AgeGroup(models.TextChoices):
    CHILD = "0-11", _("0 to 11")
    ADOLESCENT = "12-17", _("12 to 17")
    YOUNG_ADULT = "18-29", _("18 to 29")
    ADULT = "30-59", _("30 to 59")
    OLDER = "60+", _("60 and over")
    UNKNOWN = "unknown", _("Not stated")

    @classmethod
    def for_age(cls, age: int | None) -> AgeGroup:
        if age is None or age < 0:
            return cls.UNKNOWN
        for limit, group in ((11, cls.CHILD), (17, cls.ADOLESCENT), (29, cls.YOUNG_ADULT), (59, cls.ADULT)):
            if age <= limit:
                return group
        return cls.OLDER


# What the former hand-made list of nationalities stored under codes that name no country, as it was labelled:
# the issuing country of a document recorded before the list of countries may still hold one of them.
FORMER_NON_COUNTRIES = {
    "AF": _("African country"),
    "XX": _("Other nationality"),
    "ZZ": _("Stateless"),
}


class Vulnerability(models.TextChoices):
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    SEPARATED_CHILD = "separated_child", _("Separated child")
    PREGNANT = "pregnant", _("Pregnant or breastfeeding")
    DISABILITY = "disability", _("Disability")
    VIOLENCE = "violence_survivor", _("Survivor of violence")
    LGBTIQ = "lgbtiq", _("LGBTIQ+")
    OLDER = "older_person", _("Older person")
    CHRONIC = "chronic_illness", _("Chronic illness")
    TRAFFICKING = "trafficking", _("Indicators of trafficking")
    SINGLE_PARENT = "single_parent", _("Single parent with children")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    VITAL_INTEREST = "vital_interest", _("Vital interest of the person")
    MANDATE = "mandate", _("Mandate of the programme")


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", _("Processing of personal data")
    CONTACT_PHONE = "contact_phone", _("Contact by phone")
    CONTACT_WHATSAPP = "contact_whatsapp", _("Contact by WhatsApp")
    CONTACT_EMAIL = "contact_email", _("Contact by e-mail")
    SHARE_PARTNERS = "share_partners", _("Sharing with referral partners")
    # Crisis mode (emergencies): messages of what to do and where to go when an emergency is declared.
    EMERGENCY = "emergency", _("Emergency messages")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    REFUGEE_ID = "refugee_id", _("Asylum seeker or refugee card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    OTHER = "other", _("Other document")


# --- Records about people ---------------------------------------------------------------------------------


class ScopedQuerySet(models.QuerySet):
    """Records reached through a window: ``visible_to`` is the one door every view goes through."""

    window_path = "window"

    def visible_to(self, user) -> ScopedQuerySet:
        return self.filter(access.record_scope(user, window_path=self.window_path))

    def writable_by(self, user) -> ScopedQuerySet:
        return self.filter(access.record_scope(user, window_path=self.window_path, write=True))


class Consultation(models.Model):
    """A one-off, anonymous visit: logged in under a minute, counted as a beneficiary contact."""

    window = models.ForeignKey(
        InformationWindow, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("window")
    )
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WALK_IN)
    topics = models.JSONField(_("topics"), default=list)
    nationality = CountryField(_("nationality"), blank=True, countries=NationalityCountries)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    referred = models.BooleanField(_("referred to a partner"), default=False)
    case = models.ForeignKey(
        "Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("case"),
        help_text=_("Set when the consultation was turned into a case."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # One per intake form shown: a second submission of the same form finds the first record.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["window", "date"]),
            # The roll-ups' refresh looks for what was written since its last run (``dashboards.rollups``).
            models.Index(fields=["created_at"], name="cases_consultation_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date}"

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[code]) for code in self.topics if code in labels]


class PersonQuerySet(ScopedQuerySet):
    def visible_to(self, user, *, narrowed: bool = False) -> PersonQuerySet:
        """The people the user may see: those registered at the user's windows and those with a case there.

        As a list, a union of two indexed reads, not an OR across an outer join (which scans both tables).
        ``narrowed``: the same rule as a test on each row, for a query that another index already narrows
        to a few people (a search by name words, a document number, a phone): building the union would
        read every person of the user's windows first.
        """
        if access.is_administrator(user):
            return self.all()
        if narrowed:
            scope = access.record_scope(user, window_path="window")
            return self.filter(scope | models.Exists(Case.objects.filter(scope, person=models.OuterRef("pk"))))
        registered = Person.objects.filter(access.record_scope(user, window_path="window")).order_by().values("pk")
        with_case = Case.objects.filter(access.record_scope(user, window_path="window")).order_by().values("person_id")
        return self.filter(pk__in=registered.union(with_case))

    def writable_by(self, user) -> PersonQuerySet:
        scope = access.record_scope(user, window_path="window", write=True) | access.record_scope(
            user, window_path="cases__window", write=True
        )
        return self.filter(pk__in=models.Subquery(Person.objects.filter(scope).values("pk")))

    def active(self) -> PersonQuerySet:
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A migrant with a case. Identifiers and contacts are encrypted; keyed hashes allow exact search."""

    window = models.ForeignKey(
        InformationWindow,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("registered at"),
    )
    given_names = EncryptedCharField(_("given names"), max_length=120)
    family_names = EncryptedCharField(_("family names"), max_length=120, blank=True)
    # The blind index of the name (cases.name_index): keyed hashes of the pieces of its words, which the
    # search by name looks for (GIN index on PostgreSQL, migration 0018).
    name_tokens = KeyedTokensField()
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth estimated from the age"), default=False)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = CountryField(_("nationality"), blank=True, countries=NationalityCountries)
    document_type = models.CharField(_("identity document"), max_length=20, choices=DocumentType.choices, blank=True)
    document_number = EncryptedCharField(_("document number"), max_length=40, blank=True, null=True)
    document_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    document_country = CountryField(_("issuing country"), blank=True, countries=PortalCountries)
    # A value recorded before the list of countries that names no country ("AF" was "African country",
    # never Afghanistan): kept and shown until a clerk chooses the country.
    document_country_as_recorded = models.CharField(
        _("issuing country as first recorded"), max_length=2, blank=True, editable=False
    )
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True, null=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    whatsapp = EncryptedCharField(_("WhatsApp"), max_length=30, blank=True, null=True)
    whatsapp_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    email = EncryptedEmailField(_("e-mail"), blank=True, null=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="es"
    )
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    legal_basis = models.CharField(
        _("legal basis for holding the data"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Window staff record the person's request to be erased; an administrator confirms and erases.
    erasure_requested_at = models.DateTimeField(_("erasure requested at"), null=True, blank=True)
    erasure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erasure requested by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Names are encrypted: the database cannot sort by them.
        ordering = ["pk"]
        # The search before creating a person also looks at the people born the same day. (On PostgreSQL the
        # GIN index of name_tokens is made by migration 0018.)
        indexes = [
            models.Index(fields=["date_of_birth"], name="cases_person_birth"),
            # The roll-ups' refresh looks for the people changed since its last run.
            models.Index(fields=["updated_at"], name="cases_person_updated"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("cases:person-detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_names}".strip()

    @property
    def document_country_unmatched(self) -> str:
        """What was recorded as the issuing country before the list of countries, when it names no country
        (shown until a clerk chooses one): its old label in the reader's language."""
        if self.document_country or not self.document_country_as_recorded:
            return ""
        code = self.document_country_as_recorded
        return str(FORMER_NON_COUNTRIES.get(code, code))

    def age(self, today: date | None = None) -> int | None:
        if not self.date_of_birth:
            return None
        today = today or timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


class PersonVulnerability(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="vulnerabilities", verbose_name=_("person")
    )
    code = models.CharField(_("vulnerability"), max_length=24, choices=Vulnerability.choices)

    class Meta:
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="vulnerability_unique_per_person")]

    def __str__(self) -> str:
        return self.get_code_display()


class HouseholdQuerySet(models.QuerySet):
    """Household members are seen and changed by whoever sees and changes the person."""

    def visible_to(self, user) -> HouseholdQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))

    def writable_by(self, user) -> HouseholdQuerySet:
        return self.filter(person__in=Person.objects.writable_by(user))


class HouseholdMember(models.Model):
    class Relationship(models.TextChoices):
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        OTHER = "other", _("Other relative")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household", verbose_name=_("person"))
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    given_names = EncryptedCharField(_("given names"), max_length=120, blank=True, null=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.get_relationship_display()


class Consent(models.Model):
    """One consent given (or its withdrawal): the latest row of a kind says whether it holds today."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    given_at = models.DateTimeField(_("given at"))
    notice_language = models.CharField(_("language of the notice"), max_length=5, choices=settings.LANGUAGES)
    # None: the person gave it themselves (after their reference and PIN at the status check, or by texting
    # a keyword from their number), not at a window.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Need resolved")
    REGULARIZED = "regularized", _("Regularized")
    REFERRED = "referred", _("Referred to a partner")
    NO_CONTACT = "no_contact", _("No longer in contact")
    MOVED = "moved", _("Moved away")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class Case(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person"))
    window = models.ForeignKey(
        InformationWindow, on_delete=models.PROTECT, related_name="cases", verbose_name=_("window")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"))
    needs = models.JSONField(_("needs"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=12, choices=CloseReason.choices, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        # The case list reads the newest cases of a user's windows 25 at a time: these indexes give them
        # in order, one window (window staff) or any (country officers, administrators), without a sort.
        indexes = [
            # With the case number: counting a window's open cases on a pathway (the list's filter) reads the
            # index alone, not every open case's row.
            models.Index(fields=["window", "status", "id"], name="cases_case_window_status"),
            models.Index(fields=["window", "-opened_at", "-id"], name="cases_case_window_opened"),
            models.Index(fields=["-opened_at", "-id"], name="cases_case_opened"),
            # The roll-ups' refresh: a day's cases closed.
            models.Index(fields=["closed_at"], name="cases_case_closed"),
            # Who has a case at these windows, from the index alone: the person search checks its candidates
            # against it (``Person.visible_to``), where the window's rows would be read one by one.
            models.Index(fields=["window", "person"], name="cases_case_window_person"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    def need_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels[code]) for code in self.needs if code in labels]


class Stage(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A process at one of these stages is no longer under way.
FINAL_STAGES = (Stage.APPROVED, Stage.DENIED, Stage.WITHDRAWN)


class ProcessQuerySet(ScopedQuerySet):
    window_path = "case__window"

    def regularized(self) -> ProcessQuerySet:
        return self.filter(stage=Stage.APPROVED)

    def under_way(self) -> ProcessQuerySet:
        """Not yet approved, denied or withdrawn: a case holds at most one such process at a time."""
        return self.exclude(stage__in=FINAL_STAGES)

    def decided(self) -> ProcessQuerySet:
        return self.filter(
            stage__in=[Stage.APPROVED, Stage.DENIED], submitted_at__isnull=False, decided_at__isnull=False
        )


class RegularizationProcess(models.Model):
    """A person's application on one pathway. Only cases.services moves it between stages."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="processes", verbose_name=_("case"))
    pathway = models.ForeignKey(
        RegularizationPathway, on_delete=models.PROTECT, related_name="processes", verbose_name=_("pathway")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARING)
    started_at = models.DateField(_("started on"))
    documents_complete_at = models.DateField(_("documents complete on"), null=True, blank=True)
    submitted_at = models.DateField(_("submitted on"), null=True, blank=True)
    in_review_at = models.DateField(_("in review since"), null=True, blank=True)
    decided_at = models.DateField(_("decided on"), null=True, blank=True)
    appealed_at = models.DateField(_("appealed on"), null=True, blank=True)
    withdrawn_at = models.DateField(_("withdrawn on"), null=True, blank=True)
    approved = models.BooleanField(_("approved"), null=True, blank=True, help_text=_("Empty until a decision."))
    permit_number = EncryptedCharField(_("permit number"), max_length=60, blank=True, null=True)
    permit_type = models.CharField(_("permit type"), max_length=120, blank=True)
    permit_expires_on = models.DateField(_("permit expires on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("regularization process")
        verbose_name_plural = _("regularization processes")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["pathway", "stage", "decided_at"]),
            # The case list filtered by stage counts a window's cases holding a process at that stage: the
            # database reads the case numbers of the reader's countries' pathways at that stage from this index
            # (a few thousand entries) instead of the stage's processes in every country. Filtered by pathway,
            # it reads the pathway's case numbers from the same index, without the table.
            models.Index(fields=["pathway", "stage", "case"], name="cases_process_pathway_stage"),
            # The roll-ups' refresh: the processes changed since its last run, and a day's processes started,
            # submitted or decided.
            models.Index(fields=["updated_at"], name="cases_process_updated"),
            models.Index(fields=["started_at"], name="cases_process_started"),
            models.Index(fields=["submitted_at"], name="cases_process_submitted"),
            models.Index(fields=["decided_at"], name="cases_process_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} · {self.get_stage_display()}"

    @property
    def checklist_open(self) -> bool:
        """The document checklist changes only until the application is submitted."""
        return self.stage in (Stage.PREPARING, Stage.DOCUMENTS_COMPLETE)

    @property
    def processing_days(self) -> int | None:
        if self.submitted_at and self.decided_at:
            return (self.decided_at - self.submitted_at).days
        return None


class ChecklistStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    RECEIVED = "received", _("Received")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistQuerySet(ScopedQuerySet):
    window_path = "process__case__window"


class ChecklistItem(models.Model):
    """One document of the process's checklist, copied from the pathway when the process started."""

    process = models.ForeignKey(
        RegularizationProcess, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("process")
    )
    document = models.ForeignKey(
        PathwayDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("document")
    )
    name = models.CharField(_("document"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=ChecklistStatus.choices, default=ChecklistStatus.MISSING
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class AppointmentQuerySet(ScopedQuerySet):
    window_path = "process__case__window"


class Appointment(models.Model):
    """An appointment with the authority (notifications remind the day before: keep ``at`` a plain field)."""

    process = models.ForeignKey(
        RegularizationProcess, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("process")
    )
    at = models.DateTimeField(_("date and time"))
    place = EncryptedCharField(_("place"), max_length=200)
    purpose = EncryptedCharField(_("purpose"), max_length=200, blank=True, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.place}"


class FollowUpQuerySet(ScopedQuerySet):
    window_path = "case__window"

    def pending(self) -> FollowUpQuerySet:
        """Not done, on a case that is not closed: a closed case's follow-up cannot be marked done, so it is
        nobody's task (nor in the overdue digest) until the case is reopened."""
        return self.filter(done_at__isnull=True).exclude(case__status=CaseStatus.CLOSED)


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case"))
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("assigned to")
    )
    note = EncryptedCharField(_("what to do"), max_length=300)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.note


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Service given")
    DECLINED = "declined", _("Declined")


class ReferralQuerySet(ScopedQuerySet):
    window_path = "case__window"


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner")
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_at = models.DateTimeField(_("sent at"))
    status_changed_at = models.DateTimeField(_("status changed at"))
    feedback = EncryptedTextField(_("partner's feedback"), blank=True, null=True)
    answered_at = models.DateTimeField(_("answered by the partner at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        # The roll-ups' refresh: the referrals changed since its last run, and a day's referrals sent or answered.
        indexes = [
            models.Index(fields=["status_changed_at"], name="cases_referral_changed"),
            models.Index(fields=["sent_at"], name="cases_referral_sent"),
            models.Index(fields=["answered_at"], name="cases_referral_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_service_display()}"

    @property
    def answer_days(self) -> int | None:
        """Days the partner took to answer (None while unanswered)."""
        return (self.answered_at - self.sent_at).days if self.answered_at else None


def _short_date(value: str) -> str:
    """A date stored as ISO text in a timeline entry, as the reader's language writes it."""
    try:
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


class TimelineEntry(models.Model):
    """Something that happened to a case. ``details`` holds codes only, so the text is translated when shown."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        CHANGED = "changed", _("Case changed")
        CLOSED = "closed", _("Case closed")
        REOPENED = "reopened", _("Case reopened")
        PROCESS_STARTED = "process_started", _("Process started")
        STAGE = "stage", _("Stage changed")
        CHECKLIST = "checklist", _("Checklist updated")
        APPOINTMENT = "appointment", _("Appointment booked")
        APPOINTMENT_MOVED = "appointment_moved", _("Appointment moved")
        APPOINTMENT_CANCELLED = "appointment_cancel", _("Appointment cancelled")
        PERMIT = "permit", _("Permit details corrected")
        HOUSEHOLD = "household", _("Household updated")
        FOLLOW_UP = "follow_up", _("Follow-up planned")
        FOLLOW_UP_DONE = "follow_up_done", _("Follow-up done")
        REFERRAL = "referral", _("Referral sent")
        REFERRAL_STATUS = "referral_status", _("Referral updated")
        REFERRAL_ANSWER = "referral_answer", _("The partner answered the referral")
        MERGED = "merged", _("Duplicate person merged")
        CONSULTATION = "consultation", _("Consultation linked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("case"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def text(self) -> str:
        """The entry as a sentence in the reader's language, built from the stored codes."""
        d = self.details
        if self.kind == self.Kind.STAGE and d.get("target") in Stage.values:
            return gettext("Stage: %(source)s → %(target)s (%(date)s).") % {
                "source": Stage(d["source"]).label,
                "target": Stage(d["target"]).label,
                "date": _short_date(d.get("on", "")),
            }
        if self.kind == self.Kind.CLOSED and d.get("reason") in CloseReason.values:
            return gettext("Case closed: %(reason)s.") % {"reason": CloseReason(d["reason"]).label}
        if self.kind == self.Kind.CHECKLIST and d.get("status") in ChecklistStatus.values:
            return gettext("%(document)s: %(status)s.") % {
                "document": d.get("name", ""),
                "status": ChecklistStatus(d["status"]).label,
            }
        if self.kind == self.Kind.FOLLOW_UP and d.get("due_on"):
            return gettext("Follow-up planned for %(date)s.") % {"date": _short_date(d["due_on"])}
        if self.kind in (self.Kind.APPOINTMENT_MOVED, self.Kind.APPOINTMENT_CANCELLED) and d.get("at"):
            # Stored in the country's local time (with its offset) when the entry was written.
            when = datetime.fromisoformat(d["at"])
            text = (
                gettext("Appointment moved to %(when)s.")
                if self.kind == self.Kind.APPOINTMENT_MOVED
                else gettext("Appointment of %(when)s cancelled.")
            )
            return text % {"when": date_format(when, "SHORT_DATETIME_FORMAT")}
        if self.kind == self.Kind.HOUSEHOLD and d.get("relationship") in HouseholdMember.Relationship.values:
            texts = {
                "added": gettext("Household member added: %(relationship)s."),
                "changed": gettext("Household member changed: %(relationship)s."),
                "removed": gettext("Household member removed: %(relationship)s."),
            }
            if d.get("change") in texts:
                label = HouseholdMember.Relationship(d["relationship"]).label
                return texts[d["change"]] % {"relationship": label}
        if self.kind == self.Kind.REFERRAL_STATUS and d.get("target") in ReferralStatus.values:
            return gettext("Referral: %(status)s.") % {"status": ReferralStatus(d["target"]).label}
        if self.kind == self.Kind.REFERRAL_ANSWER and d.get("target") in ReferralStatus.values:
            return gettext("The partner answered the referral: %(status)s.") % {
                "status": ReferralStatus(d["target"]).label
            }
        return str(self.get_kind_display())


class AuditEntry(models.Model):
    """Who did what to which record, and when. Never holds personal data itself: ids and codes only."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        STAGE = "stage", _("Stage moved")
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        MERGE = "merge", _("Merged")
        ERASE = "erase", _("Erased")
        ANONYMISE = "anonymise", _("Anonymised")
        SEARCH = "search", _("Searched by identifier")
        DOWNLOAD = "download", _("Downloaded")
        REFUSED = "refused", _("Access refused")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=60)
    object_id = models.CharField(_("record"), max_length=40, blank=True)
    # Plain ids, not foreign keys, so the log outlives the record it describes.
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_type} {self.object_id}"
