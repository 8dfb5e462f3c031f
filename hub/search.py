"""Search in the reader's language across the guides and articles of a country.

PostgreSQL: each item keeps one stored search vector per language (``search_<lang>``, GIN-indexed, see
migration 0002), built with that language's text-search configuration over unaccented text, so that
"regularizacion" finds "regularización" and "documentos" finds "documento". Results are ranked, title
first. SQLite (laptops) has no full-text search: it matches the words of the query against unaccented
text in Python, which is enough for the few dozen items of one country.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, TextField, Value

from .languages import fallback_chain
from .models import Article, Content, Guide

if TYPE_CHECKING:
    from ventanillas.models import Country

CONFIGS = {"es": "spanish", "en": "english", "fr": "french", "nl": "dutch", "ht": "simple"}
MAX_RESULTS = 20


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_vector(item: Content, language: str) -> None:
    """Rebuild the stored search vector of one language after its text changed (PostgreSQL only)."""
    if not uses_postgres():
        return
    config = CONFIGS[language]
    vector = (
        SearchVector(Unaccent(F(f"title_{language}")), config=config, weight="A")
        + SearchVector(Unaccent(F(f"summary_{language}")), config=config, weight="B")
        + SearchVector(Unaccent(F(f"body_{language}")), config=config, weight="C")
    )
    type(item).objects.filter(pk=item.pk).update(**{f"search_{language}": vector})


@dataclass
class Hit:
    item: Content
    language: str
    rank: float

    @property
    def title(self) -> str:
        return self.item.raw("title", self.language)

    @property
    def summary(self) -> str:
        return self.item.raw("summary", self.language)

    @property
    def kind(self) -> str:
        return "guide" if isinstance(self.item, Guide) else "article"


def fold(text: str) -> str:
    """Lower case without accents: "Régularisation" -> "regularisation"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _postgres_hits(model: type[Content], country: Country, language: str, query: str) -> list[Hit]:
    column = f"search_{language}"
    search = SearchQuery(Unaccent(Value(query)), config=CONFIGS[language], search_type="websearch")
    rows = (
        model.objects.filter(country=country)
        .select_related("country")  # each hit links to an address built from its country
        .annotate(rank=SearchRank(F(column), search))
        .filter(**{column: search})
        .order_by("-rank", "slug")[:MAX_RESULTS]
    )
    return [Hit(row, language, row.rank) for row in rows]


def _python_hits(model: type[Content], country: Country, language: str, query: str) -> list[Hit]:
    words = [w for w in fold(query).split() if len(w) > 1]
    if not words:
        return []
    hits = []
    for row in (
        model.objects.filter(country=country).select_related("country").exclude(**{f"title_{language}__isnull": True})
    ):
        title, summary, body = (fold(row.raw(f, language)) for f in ("title", "summary", "body"))
        if not all(w in f"{title} {summary} {body}" for w in words):
            continue
        rank = sum(3 * title.count(w) + 2 * summary.count(w) + body.count(w) for w in words)
        hits.append(Hit(row, language, float(rank)))
    return hits


def search(country: Country, requested: str, query: str) -> list[Hit]:
    """Ranked guides and articles of ``country`` matching ``query`` in the reader's language.

    An item not translated into the reader's language is searched in the language the reader would be
    shown instead (ht → fr → es ...), so a Kreyòl reader still finds a French-only guide.
    """
    query = " ".join(query.split())[:200]
    if not query:
        return []
    finder = _postgres_hits if uses_postgres() else _python_hits
    chosen: dict[tuple[str, int], Hit] = {}
    for language in fallback_chain(requested, country):
        for model in (Guide, Article):
            for hit in finder(model, country, language, query):
                if hit.language in hit.item.languages():
                    best = next(c for c in fallback_chain(requested, country) if c in hit.item.languages())
                    if best == language:
                        chosen.setdefault((hit.kind, hit.item.pk), hit)
    ordered = sorted(chosen.values(), key=lambda h: (fallback_chain(requested, country).index(h.language), -h.rank))
    return ordered[:MAX_RESULTS]
