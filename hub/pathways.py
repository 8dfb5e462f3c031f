"""What a guide shows from its regularization pathway (cases app): steps, documents, fee, time.

The pathway is defined once per country; the guide reads it, so a fee change reaches every language at
once. A guide without a pathway shows its own text only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

import pagecache
from cases.models import RegularizationPathway
from cases.selectors import ProcessingTime, pathway_processing_time
from pagecache import changed

from .languages import fallback_chain

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from django.db.models import Model
    from django.http import HttpRequest
    from django.utils.safestring import SafeString

    from ventanillas.models import Country

    from .models import Content


@dataclass(frozen=True)
class Text:
    """A translated value and the language it is really in (for the ``lang`` attribute)."""

    value: str
    language: str

    def __bool__(self) -> bool:
        return bool(self.value)


def pick(obj: Model, name: str, language: str, country: Country) -> Text:
    """The field in ``language``, or in the reader's next best language, read from the raw columns."""
    for code in fallback_chain(language, country):
        value = getattr(obj, f"{name}_{code}", None)
        if value:
            return Text(value, code)
    return Text("", language)


def _announced(pathway: RegularizationPathway) -> list[int | None]:
    return [fact.days for fact in pathway.facts.all() if fact.kind == "time"]


def _figure_key(pathway: RegularizationPathway, today: date, announced: list[int | None] | None = None) -> str:
    # The announced days take part: an editor's change of the announced time shows at once.
    announced = _announced(pathway) if announced is None else announced
    return f"hub:processing:{pathway.pk}:{today.isoformat()}:{announced}:{pathway.is_sample}"


def published_processing_time(pathway: RegularizationPathway, *, today: date | None = None) -> ProcessingTime:
    """The pathway's processing time as the guides publish it, computed once a day and kept in the cache
    (the median reads every decision of the last 12 months) until a decision changes it."""
    today = today or timezone.localdate()
    key = _figure_key(pathway, today)
    try:
        figure = cache.get(key)
    except Exception:  # the cache is down: computed for this page alone
        return pathway_processing_time(pathway, today=today)
    if figure is None:
        figure = pathway_processing_time(pathway, today=today)
        with contextlib.suppress(Exception):  # the cache is down: computed again for the next page
            cache.set(key, figure, timeout=2 * 24 * 60 * 60)
    return figure


def refresh_processing_time(pathway_id: int) -> None:
    """A process of the pathway changed: once it is saved, recompute the published figure, and end the
    cached pages that show it if it moved."""

    def refresh() -> None:
        pathway = RegularizationPathway.objects.filter(pk=pathway_id).select_related("country").first()
        if pathway is None:
            return
        today = timezone.localdate()
        key = _figure_key(pathway, today)
        figure = pathway_processing_time(pathway, today=today)
        try:
            before = cache.get(key)
            cache.set(key, figure, timeout=2 * 24 * 60 * 60)
        except Exception:  # the cache is down: nothing kept, so nothing stale either; the pages are ended below
            before = None
        if before != figure:
            changed(f"pathways:{pathway.country.code}")

    transaction.on_commit(refresh)


@dataclass
class Sourced:
    """How sure a fact is, in the reader's language where it has words."""

    status: str
    status_label: str
    applies_to: Text
    source_name: Text  # a publication's own title, in its own language (taken as the country's)
    source_url: str
    checked_on: date | None


@dataclass
class Fact:
    kind: str
    name: Text
    text: Text
    note: Text
    amount: Decimal | None
    currency: str
    days: int | None
    is_free: bool
    sourced: Sourced


@dataclass
class Step:
    title: Text
    description: Text


@dataclass
class Document:
    name: Text
    notes: Text
    required: bool
    sourced: Sourced


@dataclass
class PathwayFacts:
    name: Text
    eligibility: Text
    processing: ProcessingTime
    verified_on: date | None
    is_sample: bool
    fees: list[Fact] = field(default_factory=list)
    times: list[Fact] = field(default_factory=list)
    legal_bases: list[Fact] = field(default_factory=list)
    authorities: list[Fact] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def has_paid_fee(self) -> bool:
        return any(fee.amount and not fee.is_free for fee in self.fees)

    def all_facts(self) -> list[Fact | Document]:
        return [*self.fees, *self.times, *self.legal_bases, *self.authorities, *self.documents]


def _sourced(row, language: str, country: Country) -> Sourced:
    return Sourced(
        status=row.status,
        status_label=row.get_status_display(),
        applies_to=pick(row, "applies_to", language, country),
        source_name=Text(row.source_name, country.default_language),
        source_url=row.source_url,
        checked_on=row.checked_on,
    )


def _fact(row, language: str, country: Country) -> Fact:
    return Fact(
        kind=row.kind,
        name=Text(row.name, row.name_language or country.default_language),
        text=pick(row, "text", language, country),
        note=pick(row, "note", language, country),
        amount=row.amount,
        currency=row.currency,
        days=row.days,
        is_free=row.is_free,
        sourced=_sourced(row, language, country),
    )


def guide_facts(guide: Content, language: str, *, today: date | None = None) -> PathwayFacts | None:
    """The pathway's facts in ``language`` (field by field fallback), with the processing time to publish."""
    pathway = getattr(guide, "pathway", None)
    if pathway is None or not pathway.active:
        return None
    country = guide.country
    facts = [_fact(row, language, country) for row in pathway.facts.all()]
    return PathwayFacts(
        name=pick(pathway, "name", language, country),
        eligibility=pick(pathway, "eligibility", language, country),
        processing=published_processing_time(pathway, today=today),
        verified_on=pathway.verified_on,
        is_sample=pathway.is_sample,
        fees=[f for f in facts if f.kind == "fee"],
        times=[f for f in facts if f.kind == "time"],
        legal_bases=[f for f in facts if f.kind == "legal_basis"],
        authorities=[f for f in facts if f.kind == "authority"],
        steps=[
            Step(pick(s, "title", language, country), pick(s, "description", language, country))
            for s in pathway.steps.all()
        ],
        documents=[
            Document(
                pick(d, "name", language, country),
                pick(d, "notes", language, country),
                d.required,
                _sourced(d, language, country),
            )
            for d in pathway.documents.all()
        ],
    )


def index_text(pathway, language: str) -> str:
    """The words of a pathway in one language, for the search index: its name, who may apply, steps,
    documents, fees (with the word "cost" in that language, so that "costo" finds a guide with a fee box),
    announced times and the names of its laws and offices."""
    from django.utils.translation import gettext, override

    if pathway is None or not pathway.active:
        return ""

    def own(obj, name: str) -> str:
        return getattr(obj, f"{name}_{language}", "") or ""

    parts = [own(pathway, "name"), own(pathway, "eligibility")]
    parts += [own(step, "title") + " " + own(step, "description") for step in pathway.steps.all()]
    parts += [own(doc, "name") + " " + own(doc, "notes") for doc in pathway.documents.all()]
    facts = list(pathway.facts.all())
    if any(fact.kind == "fee" for fact in facts):
        with override(language):
            parts.append(f"{gettext('Cost')} {gettext('Fee')}")
    for fact in facts:
        parts += [fact.name, own(fact, "text"), own(fact, "applies_to"), own(fact, "note")]
        if fact.amount:
            parts.append(f"{fact.amount:f} {fact.currency}")
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class _Box:
    versions: tuple[str, str]
    announced: list[int | None]
    figure_key: str  # the day's figure it shows: another day (or announced time) is another figure
    html: SafeString


# The pathway's box of the guides (hub/_pathway.html) as this process last rendered it, by pathway, language
# of the facts and language of the page. It shows the pathway's rows, the country's languages and the day's
# published processing time, and nothing of the reader: it is rendered again only when one of those changes.
_BOXES: dict[tuple[int, str, str], _Box] = {}
BOXES_KEPT = 2000


def facts_box(request: HttpRequest, guide: Content, language: str) -> SafeString | str:
    """The guide's pathway box (hub/_pathway.html) in ``language``, or "" when it has no active pathway.

    Kept by the process for the day while the tags ``pathways:<code>`` and ``country:<code>`` keep the
    versions the page was rendered under (``pagecache.version``): a saved pathway, step, document or fact, a
    published time that moved (``refresh_processing_time``) or a change of the country's languages give them
    new ones, as they end the page's cached copies. Otherwise, or without the cache, its facts, steps and
    documents are read (one query each) and it is rendered again. Why: docs/speed.md.
    """
    pathway = getattr(guide, "pathway", None)
    if pathway is None or not pathway.active:
        return ""
    code = guide.country.code
    versions = (pagecache.version(request, f"pathways:{code}"), pagecache.version(request, f"country:{code}"))
    key = (pathway.pk, language, get_language())
    today = timezone.localdate()
    kept = _BOXES.get(key) if None not in versions else None
    if (
        kept is not None
        and kept.versions == versions
        and kept.figure_key == _figure_key(pathway, today, kept.announced)
    ):
        return kept.html
    prefetch_related_objects([pathway], "facts", "steps", "documents")
    facts = guide_facts(guide, language, today=today)
    html = render_to_string("hub/_pathway.html", {"facts": facts, "LANGUAGE_CODE": get_language()})
    if None not in versions:
        if len(_BOXES) >= BOXES_KEPT:
            _BOXES.clear()
        announced = _announced(pathway)
        _BOXES[key] = _Box(versions, announced, _figure_key(pathway, today, announced), html)
    return html
