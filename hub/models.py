"""Public content: guides, articles, FAQ, alerts, their revisions and the readers' feedback.

The text readers see lives in the translated columns (``title_es``, ``title_ht`` ...) of Guide and
Article; those columns are only written when an editor publishes a revision (see hub.services), so a
non-empty column means a published translation. Drafts and reviews live in Revision rows.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpers.marked import Marked
from ventanillas.models import Country

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TEXT_FIELDS = ("title", "summary", "body")
# The stored search vectors are an item's largest columns (every word of five languages, with positions)
# and no page shows them: pages that read items leave them in the database (``.defer(*SEARCH_COLUMNS)``).
SEARCH_COLUMNS = tuple(f"search_{code}" for code in LANGUAGE_CODES)


class Topic(models.TextChoices):
    REGULARIZATION = "regularization", _("Regularization")
    ASYLUM = "asylum", _("Asylum and refugee protection")
    WORK = "work", _("Work and labour migration")
    RIGHTS = "rights", _("Rights")
    RISKS = "risks", _("Risks of irregular migration and safe alternatives")
    CHANNELS = "channels", _("Regular migration channels")
    RETURN = "return", _("Return and reintegration")


class TranslationState(models.TextChoices):
    SOURCE = "source", _("Source text")
    UP_TO_DATE = "up_to_date", _("Up to date")
    OUTDATED = "outdated", _("Outdated")
    MISSING = "missing", _("Missing")


def text_hash(title: str, summary: str, body: str) -> str:
    """A fingerprint of a text version: translations remember the fingerprint of the source they follow."""
    normalised = "\x00".join(" ".join((part or "").split()) for part in (title, summary, body))
    return hashlib.sha256(normalised.encode()).hexdigest()


class ContentQuerySet(models.QuerySet):
    def published(self) -> ContentQuerySet:
        """Items with at least one published language."""
        query = models.Q()
        for code in LANGUAGE_CODES:
            query |= ~models.Q(**{f"title_{code}": ""}) & models.Q(**{f"title_{code}__isnull": False})
        return self.filter(query)


class Content(models.Model):
    """What guides and articles share: a country, a slug that never changes with the language, the text."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("The same in every language."))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.REGULARIZATION)
    title = models.CharField(_("title"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Plain text; a blank line starts a new paragraph."))
    source_language = models.CharField(
        _("source language"),
        max_length=5,
        choices=settings.LANGUAGES,
        help_text=_("The language the other translations are made from."),
    )
    source_hash = models.CharField(_("fingerprint of the source text"), max_length=64, blank=True, editable=False)
    source_changed_at = models.DateTimeField(_("source text last changed"), null=True, blank=True, editable=False)
    # {language: {"hash": fingerprint of the source text it was made from, "date": ISO date of that source}}
    translation_sources = models.JSONField(_("sources of the translations"), default=dict, blank=True, editable=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample content"), default=False, help_text=_("Demonstration text, to verify before real use.")
    )
    search_es = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)
    search_fr = SearchVectorField(null=True, editable=False)
    search_nl = SearchVectorField(null=True, editable=False)
    search_ht = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["country__code", "slug"]

    def __str__(self) -> str:
        title = self.raw("title", self.source_language)
        return Marked(title, self.source_language) if title else self.slug

    def raw(self, field: str, language: str) -> str:
        """The stored text of one language, without modeltranslation's fallback."""
        return getattr(self, f"{field}_{language}") or ""

    def languages(self) -> list[str]:
        """The languages this item is really published in, in the portal's order."""
        return [code for code in LANGUAGE_CODES if self.raw("title", code) and self.raw("body", code)]

    def translation_state(self, language: str) -> str:
        if language not in self.languages():
            return TranslationState.MISSING
        if language == self.source_language:
            return TranslationState.SOURCE
        made_from = self.translation_sources.get(language, {})
        if made_from.get("hash") == self.source_hash:
            return TranslationState.UP_TO_DATE
        return TranslationState.OUTDATED

    def translation_source_date(self, language: str) -> str:
        return self.translation_sources.get(language, {}).get("date", "")

    def review_is_overdue(self) -> bool:
        return bool(self.review_due and self.review_due < timezone.localdate())


class Guide(Content):
    """How to do one thing in one country, tied to a regularization pathway where there is one."""

    pathway = models.ForeignKey(
        "cases.RegularizationPathway",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guides",
        verbose_name=_("regularization pathway"),
        help_text=_("Its steps, documents, fee and processing time are shown in the guide, in every language."),
    )

    class Meta(Content.Meta):
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        constraints = [models.UniqueConstraint(fields=["country", "slug"], name="guide_slug_unique_per_country")]

    def get_absolute_url(self) -> str:
        return reverse("hub:guide", kwargs={"country": self.country.slug, "slug": self.slug})


class Article(Content):
    """Background reading: risks and alternatives, regular channels, labour migration, rights."""

    class Meta(Content.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["country", "slug"], name="article_slug_unique_per_country")]

    def get_absolute_url(self) -> str:
        return reverse("hub:article", kwargs={"country": self.country.slug, "slug": self.slug})


class FaqEntry(models.Model):
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="faq", verbose_name=_("country"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    is_sample = models.BooleanField(_("sample content"), default=False)

    class Meta:
        verbose_name = _("frequent question")
        verbose_name_plural = _("frequent questions")
        ordering = ["country__code", "order", "pk"]

    def __str__(self) -> str:
        return self.question

    def languages(self) -> list[str]:
        return [c for c in LANGUAGE_CODES if getattr(self, f"question_{c}") and getattr(self, f"answer_{c}")]


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Emergency")


class AlertQuerySet(models.QuerySet):
    def active(self, now=None) -> AlertQuerySet:
        now = now or timezone.now()
        return self.filter(starts_at__lte=now).filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))

    def for_country(self, country: Country) -> AlertQuerySet:
        return self.filter(models.Q(country=country) | models.Q(country__isnull=True))


class Alert(models.Model):
    """A notice shown on every page of a country (or of every country) between its start and its end."""

    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("country"),
        help_text=_("Empty for a regional alert shown in every country."),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link to more information"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Empty while it lasts."))
    is_sample = models.BooleanField(_("sample content"), default=False)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="alert_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if getattr(self, f"title_{code}")]


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Revision(models.Model):
    """One version of a guide's or an article's text in one language; the history of every change."""

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions", verbose_name=_("guide")
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    status = models.CharField(_("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    # For a translation: the source text it was made from (fingerprint and date), copied when it was started.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    source_date = models.DateField(null=True, blank=True, editable=False)
    note = models.CharField(_("note for the reviewer"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    # Four eyes: who last changed the text, who sent it for review and who published it are kept, so that
    # the history shows who did what and the publisher can be checked against the writers.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent for review by"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_alone = models.BooleanField(
        _("published alone in an emergency"),
        default=False,
        help_text=_("Published by its own writer without a second editor, as the country allows in an emergency."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(guide__isnull=False) & models.Q(article__isnull=True))
                | (models.Q(guide__isnull=True) & models.Q(article__isnull=False)),
                name="revision_of_one_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} [{self.language}] {self.get_status_display()}"

    def written_by(self, user) -> bool:
        """Whether ``user`` is the last to have written this text: they may not be its reviewer. An editor who
        changes another's text has read it, so its first writer may then review the change."""
        return user.pk == (self.edited_by_id or self.author_id)

    @property
    def item(self) -> Content:
        return self.guide or self.article

    @property
    def kind(self) -> str:
        return "guides" if self.guide_id else "articles"


class FeedbackCount(models.Model):
    """How many readers found a page useful, per page and language. No personal data is stored."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("country"))
    page = models.CharField(_("page"), max_length=100, help_text=_("guides/<slug> or articles/<slug>"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    useful = models.PositiveIntegerField(_("useful"), default=0)
    not_useful = models.PositiveIntegerField(_("not useful"), default=0)

    class Meta:
        verbose_name = _("feedback count")
        verbose_name_plural = _("feedback counts")
        constraints = [
            models.UniqueConstraint(fields=["country", "page", "language"], name="feedback_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page} [{self.language}] +{self.useful} -{self.not_useful}"


class FeedbackComment(models.Model):
    """An optional comment left with a yes/no answer: only the day is kept, never who wrote it."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("country"))
    page = models.CharField(_("page"), max_length=100)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), max_length=500)
    received_on = models.DateField(_("received on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("feedback comment")
        verbose_name_plural = _("feedback comments")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.page} [{self.language}] {self.received_on}"
