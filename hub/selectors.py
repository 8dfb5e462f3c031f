"""Reads for the public pages and the editors' pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.db.models.query import get_related_populators
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

import pagecache
from helpers import samples
from ventanillas.models import Country

from .languages import Localized, best_language, localize, ordered_for
from .models import (
    LANGUAGE_CODES,
    SEARCH_COLUMNS,
    Alert,
    Article,
    Content,
    FaqEntry,
    FeedbackCount,
    Guide,
    Revision,
    RevisionStatus,
    TranslationState,
)

if TYPE_CHECKING:
    from datetime import datetime


def country_or_404(code: str) -> Country:
    return get_object_or_404(Country, code=code.upper())


def localized_items(items: list[Content], requested: str, country: Country) -> list[Localized]:
    """Published items in the reader's language or their best fallback; unpublished ones are left out."""
    return [loc for loc in (localize(item, requested, country) for item in items) if loc is not None]


def published_guides(country: Country) -> list[Guide]:
    # The country comes with each row: every item's address is built from it (one query, not one per item).
    rows = Guide.objects.filter(country=country).published().select_related("country").defer(*SEARCH_COLUMNS)
    return list(rows.order_by("topic", "slug"))


def published_articles(country: Country) -> list[Article]:
    rows = Article.objects.filter(country=country).published().select_related("country").defer(*SEARCH_COLUMNS)
    return list(rows.order_by("topic", "slug"))


def _item_rows(model: type[Content], code: str, slug: str) -> QuerySet:
    rows = (
        model.objects.filter(country__code=code, slug=slug)
        .select_related("country")
        .defer(*SEARCH_COLUMNS)
        .annotate(**samples.columns())
    )
    if model is Guide:
        rows = rows.select_related("pathway")
    return rows


# Stand-ins for the country code and slug in the item query compiled once (``_CompiledItemQuery``).
_CODE, _SLUG = "\x00code\x00", "\x00slug\x00"


class _CompiledItemQuery:
    """The item query of ``published_item_or_404``, compiled once per model and database: only the code and
    slug change between readers, and compiling its seventy columns cost more than reading the row. Each
    reader's row goes through the same steps as the queryset's (the compiler's converters, ``from_db``, the
    related objects' populators, the annotations), on the reader's own connection."""

    def __init__(self, model: type[Content], alias: str) -> None:
        rows = _item_rows(model, _CODE, _SLUG).using(alias)[:1]
        self.compiler = rows.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()  # also sets the compiler's select, klass_info and annotations
        if params.count(_CODE) != 1 or params.count(_SLUG) != 1:
            raise ValueError("the item query's code and slug are not its parameters")
        self.params = params
        self.db = rows.db
        info = self.compiler.klass_info
        self.model = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in self.compiler.select[self.start : self.end]]
        self.populators = get_related_populators(info, self.compiler.select, self.db)

    def first(self, code: str, slug: str) -> Content | None:
        params = [code if p == _CODE else slug if p == _SLUG else p for p in self.params]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        row = next(iter(self.compiler.results_iter([[found[: self.compiler.col_count]]])))
        item = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, item)
        for name, position in self.compiler.annotation_col_map.items():
            setattr(item, name, row[position])
        return item


_COMPILED: dict[tuple[type, str], _CompiledItemQuery | None] = {}


def published_item_or_404(model: type[Content], country: Country | str, slug: str) -> Content:
    """A published guide or article, with its country and, for a guide, its pathway: one query (whether
    demonstration data is loaded, which the page's banner asks, comes with it). The pathway's facts, steps
    and documents are read by whoever shows them, one query for each list whatever its length.

    ``country`` is a Country or its code: the page of a guide need not read the country first.
    """
    code = country.code if isinstance(country, Country) else country.upper()
    key = (model, router.db_for_read(model))
    if key not in _COMPILED:
        try:
            _COMPILED[key] = _CompiledItemQuery(*key)
        except ValueError:  # a query whose code and slug cannot be told from its other values: the ORM's way
            _COMPILED[key] = None
    compiled = _COMPILED[key]
    item = compiled.first(code, slug) if compiled else _item_rows(model, code, slug).first()
    if item is None or not item.languages():
        raise Http404
    item.demo_data = samples.loaded(item)
    return item


@dataclass
class ShownQuestion:
    language: str
    question: str
    answer: str
    pk: int = 0  # the page's anchor (faq-<pk>), which search results link to


def faq_entries(country: Country, requested: str) -> list[ShownQuestion]:
    """Each question in the reader's language or the best fallback (the page marks its ``lang``)."""
    rows = []
    for entry in FaqEntry.objects.filter(country=country):
        language = best_language(entry.languages(), requested, country)
        if language:
            rows.append(
                ShownQuestion(
                    language, getattr(entry, f"question_{language}"), getattr(entry, f"answer_{language}"), entry.pk
                )
            )
    return rows


@dataclass
class ShownAlert:
    alert: Alert
    language: str

    @property
    def title(self) -> str:
        return getattr(self.alert, f"title_{self.language}")

    @property
    def body(self) -> str:
        return getattr(self.alert, f"body_{self.language}") or ""


def active_alerts(country: Country, requested: str, now: datetime | None = None) -> list[ShownAlert]:
    """Alerts of the country and regional ones that are running now, the most severe first."""
    return alerts_and_next_change(country, requested, now)[0]


# The alerts of each country (its own and the regional ones) not ended when this process read them, with the
# versions of the tags "alerts:<code>" and "alerts:region" they were read under: every public page of a
# country shows them, and they change only when an alert is saved or deleted (portal/signals.py).
_ALERTS: dict[int, tuple[tuple[str, str], list[Alert]]] = {}


def _alert_rows(country: Country, now: datetime, request: HttpRequest | None) -> list[Alert]:
    """The alerts of ``country`` not ended at ``now``: kept by the process while the page's tags keep the
    versions they were read under (``pagecache.version``), read from the database otherwise."""
    versions = (
        pagecache.version(request, f"alerts:{country.code}"),
        pagecache.version(request, "alerts:region"),
    )
    if None in versions:
        return list(Alert.objects.for_country(country).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)))
    kept = _ALERTS.get(country.pk)
    if kept is None or kept[0] != versions:
        # Read now or later, an alert not ended then has not ended before: later readers filter these by time.
        rows = list(Alert.objects.for_country(country).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)))
        _ALERTS[country.pk] = kept = (versions, rows)
    return [alert for alert in kept[1] if alert.ends_at is None or alert.ends_at > now]


def alerts_and_next_change(
    country: Country, requested: str, now: datetime | None = None, request: HttpRequest | None = None
) -> tuple[list[ShownAlert], datetime | None]:
    """The running alerts (as ``active_alerts``) and the next moment one starts or ends: until then, the
    banner stays as it is (one query for both, none while the page's alerts tags have not changed)."""
    if now is not None:
        request = None  # a moment other than now: read from the database
    now = now or timezone.now()
    severity_order = {"danger": 0, "warning": 1, "info": 2}
    shown = []
    moments = []
    for alert in _alert_rows(country, now, request):
        if alert.starts_at > now:
            moments.append(alert.starts_at)
            continue
        if alert.ends_at:
            moments.append(alert.ends_at)
        language = best_language(alert.languages(), requested, country)
        if language:
            shown.append(ShownAlert(alert, language))
    shown.sort(key=lambda s: (severity_order.get(s.alert.severity, 9), -s.alert.starts_at.timestamp()))
    return shown, min(moments, default=None)


def alternates(item: Content) -> list[tuple[str, str]]:
    """(language, URL) of each real translation of an item: for hreflang and the language switcher."""
    links = []
    for code in ordered_for(item.country, item.languages()):
        with override(code):
            links.append((code, item.get_absolute_url()))
    return links


@dataclass
class StatusRow:
    item: Content
    kind: str
    cells: list[tuple[str, str]]  # (language, state)
    useful: int = 0
    not_useful: int = 0


def translation_status(country: Country) -> list[StatusRow]:
    """For each guide and article of the country, the state of each language: source, up to date, outdated, missing."""
    rows = []
    feedback = feedback_by_page(country)
    for kind, model in (("guides", Guide), ("articles", Article)):
        for item in model.objects.filter(country=country).order_by("slug"):
            cells = [(code, item.translation_state(code)) for code in LANGUAGE_CODES]
            rows.append(StatusRow(item, kind, cells, *feedback.get(f"{kind}/{item.slug}", (0, 0))))
    return rows


def status_counts(rows: list[StatusRow]) -> dict[str, int]:
    counts = dict.fromkeys(TranslationState.values, 0)
    for row in rows:
        for _code, state in row.cells:
            counts[state] += 1
    return counts


def editor_item_url(kind: str, item: Content, language: str) -> str:
    return reverse(
        "hub:editor-edit",
        kwargs={"country": item.country.slug, "kind": kind, "slug": item.slug, "language": language},
    )


OPEN = [RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW]


def open_revision(item: Content, language: str) -> Revision | None:
    field = "guide" if isinstance(item, Guide) else "article"
    return Revision.objects.filter(**{field: item}, language=language, status__in=OPEN).first()


def open_revisions(country: Country, languages: set[str]) -> list[Revision]:
    """Drafts and versions in review of the country, in the languages the editor works in."""
    return list(
        Revision.objects.filter(status__in=OPEN, language__in=languages)
        .filter(Q(guide__country=country) | Q(article__country=country))
        .select_related("guide", "article", "author")
        .order_by("status", "-updated_at")
    )


def feedback_by_page(country: Country) -> dict[str, tuple[int, int]]:
    """Readers' yes/no answers per page ("guides/<slug>"), all languages together."""
    totals: dict[str, tuple[int, int]] = {}
    for row in FeedbackCount.objects.filter(country=country):
        yes, no = totals.get(row.page, (0, 0))
        totals[row.page] = (yes + row.useful, no + row.not_useful)
    return totals
