"""What a guide shows from its regularization pathway (cases app): steps, documents, fee, time.

The pathway is defined once per country; the guide reads it, so a fee change reaches every language at
once. A guide without a pathway shows its own text only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cases.models import RegularizationPathway
from cases.selectors import ProcessingTime, pathway_processing_time
from portal.pagecache import changed

from .languages import fallback_chain

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from django.db.models import Model

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


def _figure_key(pathway: RegularizationPathway, today: date) -> str:
    return f"hub:processing:{pathway.pk}:{today.isoformat()}:{pathway.typical_processing_days}"


def published_processing_time(pathway: RegularizationPathway, *, today: date | None = None) -> ProcessingTime:
    """The pathway's processing time as the guides publish it, computed once a day and kept in the cache
    (the median reads every decision of the last 12 months) until a decision changes it."""
    today = today or timezone.localdate()
    key = _figure_key(pathway, today)
    figure = cache.get(key)
    if figure is None:
        figure = pathway_processing_time(pathway, today=today)
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
        before = cache.get(key)
        figure = pathway_processing_time(pathway, today=today)
        cache.set(key, figure, timeout=2 * 24 * 60 * 60)
        if before != figure:
            changed(f"pathways:{pathway.country.code}")

    transaction.on_commit(refresh)


@dataclass
class Step:
    title: Text
    description: Text


@dataclass
class Document:
    name: Text
    notes: Text
    required: bool


@dataclass
class PathwayFacts:
    name: Text
    authority: Text
    legal_basis: Text
    legal_basis_url: str
    eligibility: Text
    is_free: bool
    fee_amount: Decimal | None
    fee_currency: str
    processing: ProcessingTime
    typical_text: Text
    verified_on: date | None
    is_sample: bool
    steps: list[Step] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def guide_facts(guide: Content, language: str, *, today: date | None = None) -> PathwayFacts | None:
    """The pathway's facts in ``language`` (field by field fallback), with the processing time to publish."""
    pathway = getattr(guide, "pathway", None)
    if pathway is None or not pathway.active:
        return None
    country = guide.country
    return PathwayFacts(
        name=pick(pathway, "name", language, country),
        authority=pick(pathway, "issuing_authority", language, country),
        legal_basis=pick(pathway, "legal_basis", language, country),
        legal_basis_url=pathway.legal_basis_url,
        eligibility=pick(pathway, "eligibility", language, country),
        is_free=pathway.is_free,
        fee_amount=pathway.fee_amount,
        fee_currency=pathway.fee_currency,
        processing=published_processing_time(pathway, today=today),
        typical_text=pick(pathway, "typical_processing_text", language, country),
        verified_on=pathway.verified_on,
        is_sample=pathway.is_sample,
        steps=[
            Step(pick(s, "title", language, country), pick(s, "description", language, country))
            for s in pathway.steps.all()
        ],
        documents=[
            Document(pick(d, "name", language, country), pick(d, "notes", language, country), d.required)
            for d in pathway.documents.all()
        ],
    )
