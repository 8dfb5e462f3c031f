"""Search in the reader's language across a country's guides and articles: synonyms, prefixes and typos, stored
vectors per language on PostgreSQL, accent-free words in Python on SQLite, and the country's other public
languages when nothing is found. See docs/content.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, TextField, Value

from .languages import fallback_chain, reader_language_name
from .models import SEARCH_COLUMNS, Article, Content, Guide
from .pathways import index_text
from .synonyms import alternatives, fold

if TYPE_CHECKING:
    from ventanillas.models import Country

CONFIGS = {"es": "spanish", "en": "english", "fr": "french", "nl": "dutch", "ht": "simple"}
MAX_RESULTS = 20
# pg_trgm similarity from which an index word counts as the query word with a typo.
TYPO_SIMILARITY = 0.45
WORD = re.compile(r"[a-z0-9]+")


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pathway_words(item: Content, language: str) -> str:
    return fold(index_text(getattr(item, "pathway", None), language)) if isinstance(item, Guide) else ""


def refresh_vector(item: Content, language: str) -> None:
    """Rebuild the stored search vector of one language after its text changed (PostgreSQL only)."""
    if not uses_postgres():
        return
    config = CONFIGS[language]
    vector = (
        SearchVector(Unaccent(F(f"title_{language}")), config=config, weight="A")
        + SearchVector(Unaccent(F(f"summary_{language}")), config=config, weight="B")
        + SearchVector(Unaccent(F(f"body_{language}")), config=config, weight="C")
        + SearchVector(Value(_pathway_words(item, language)), config=config, weight="D")
    )
    type(item).objects.filter(pk=item.pk).update(**{f"search_{language}": vector})


def refresh_pathway_guides(pathway) -> None:
    """After a pathway's steps, documents or facts changed: re-index the guides that show it."""
    for guide in Guide.objects.filter(pathway=pathway).select_related("pathway"):
        for language in guide.languages():
            refresh_vector(guide, language)


@dataclass
class Hit:
    item: Content
    language: str
    rank: float
    other_language: bool = False  # found in a public language of the country the reader would not be shown

    @property
    def title(self) -> str:
        return self.item.raw("title", self.language)

    @property
    def summary(self) -> str:
        return self.item.raw("summary", self.language)

    @property
    def kind(self) -> str:
        return "guide" if isinstance(self.item, Guide) else "article"

    @property
    def language_name(self) -> str:
        return reader_language_name(self.language)


def _words(query: str) -> list[str]:
    return [w for w in WORD.findall(fold(query)) if len(w) > 1]


# PostgreSQL ----------------------------------------------------------------------------------------------


def _similar_index_words(country: Country, words: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(language, word): words of the country's index in that language that pg_trgm finds close to the
    word (a typo), best first, three at most}: one query for every language and every word."""
    typed = [word for word in words if len(word) >= 4]
    if not typed:
        return {}
    pk = int(country.pk)
    stats = " UNION ALL ".join(
        f"SELECT '{code}' AS language, word FROM ts_stat("  # noqa: S608 - a known code and column, an int # nosec B608
        f"'SELECT search_{code} FROM hub_guide WHERE country_id = {pk} "
        f"UNION ALL SELECT search_{code} FROM hub_article WHERE country_id = {pk}')"
        for code in CONFIGS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.language, q.typed, s.word FROM ({stats}) s CROSS JOIN unnest(%s::text[]) AS q(typed) "  # noqa: S608 # nosec B608
            "WHERE similarity(s.word, q.typed) >= %s ORDER BY s.language, q.typed, similarity(s.word, q.typed) DESC",
            [typed, TYPO_SIMILARITY],
        )
        found: dict[tuple[str, str], list[str]] = {}
        for language, word, similar in cursor.fetchall():
            close = found.setdefault((language, word), [])
            if len(close) < 3:
                close.append(similar)
        return found


def _tsquery(language: str, words: list[str], similar: dict[tuple[str, str], list[str]]) -> str:
    groups = []
    for word in words:
        options = {alt for alt in alternatives(word) if WORD.fullmatch(alt)}
        options |= {w for w in similar.get((language, word), []) if WORD.fullmatch(w)}
        groups.append("(" + " | ".join(f"{option}:*" for option in sorted(options)) + ")")
    return " & ".join(groups)


def _postgres_matches(model: type[Content], country: Country, words: list[str], similar: dict) -> list[Match]:
    """Every item of the country that matches in at least one language, with its rank in each language it
    matches in: one query, whatever the number of languages."""
    ranks, matches, anywhere = {}, {}, Q()
    for code, config in CONFIGS.items():
        query = SearchQuery(_tsquery(code, words, similar), config=config, search_type="raw")
        column = f"search_{code}"
        ranks[f"rank_{code}"] = SearchRank(F(column), query)
        matches[f"match_{code}"] = ExpressionWrapper(Q(**{column: query}), output_field=BooleanField())
        anywhere |= Q(**{column: query})
    rows = (
        model.objects.filter(country=country)
        .select_related("country")  # each hit links to an address built from its country
        .defer(*SEARCH_COLUMNS)
        .annotate(**ranks, **matches)
        .filter(anywhere)
        .order_by("slug")
    )
    return [
        Match(row, {code: getattr(row, f"rank_{code}") for code in CONFIGS if getattr(row, f"match_{code}")})
        for row in rows
    ]


# SQLite --------------------------------------------------------------------------------------------------


def _near(word: str, candidate: str) -> bool:
    """Prefix ("regulari" -> "regularizacion"), or one letter off in a long word ("pasaprte")."""
    if candidate.startswith(word):
        return True
    if len(word) < 6 or abs(len(word) - len(candidate)) > 1:
        return False
    if len(word) == len(candidate):
        return sum(a != b for a, b in zip(word, candidate, strict=True)) <= 1
    short, long_ = sorted((word, candidate), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _python_rank(row: Content, language: str, words: list[str]) -> float | None:
    if not row.raw("title", language):
        return None
    fields = [fold(row.raw(f, language)) for f in ("title", "summary", "body")] + [_pathway_words(row, language)]
    tokens = [WORD.findall(text) for text in fields]
    rank = 0.0
    for word in words:
        options = alternatives(word)
        found = [
            sum(1 for token in field_tokens if any(_near(option, token) for option in options))
            for field_tokens in tokens
        ]
        if not any(found):
            return None
        rank += 3 * found[0] + 2 * found[1] + found[2] + 0.5 * found[3]
    return rank


def _python_matches(model: type[Content], country: Country, words: list[str], _similar: dict) -> list[Match]:
    rows = model.objects.filter(country=country).select_related("country").order_by("slug")
    if model is Guide:
        rows = rows.select_related("pathway").prefetch_related("pathway__facts", "pathway__steps", "pathway__documents")
    found = []
    for row in rows.defer(*SEARCH_COLUMNS):
        ranks = {code: rank for code in CONFIGS if (rank := _python_rank(row, code, words)) is not None}
        if ranks:
            found.append(Match(row, ranks))
    return found


# Both ----------------------------------------------------------------------------------------------------


@dataclass
class Match:
    """An item and its rank in each language whose text (and pathway) matches every word."""

    item: Content
    ranks: dict[str, float]


def search(country: Country, requested: str, query: str) -> list[Hit]:
    """Ranked guides and articles of ``country`` matching ``query`` for a reader of ``requested``.

    An item is searched in the language the reader would be shown it in (ht → fr → es ...), so a Kreyòl
    reader still finds a French-only guide. When that finds nothing, every other public language of the
    country is searched too, and such hits are marked ``other_language``.

    Every language is matched at once: on PostgreSQL one query finds the typos' index words for all
    languages and words, and one query per kind (guides, articles) ranks the items in all five, so a
    reader whose language falls back twice waits for as many queries as one who reads Spanish.
    """
    words = _words(" ".join(query.split())[:200])
    if not words:
        return []
    chain = fallback_chain(requested, country)
    if uses_postgres():
        finder, similar = _postgres_matches, _similar_index_words(country, words)
    else:
        finder, similar = _python_matches, {}
    found = [match for model in (Guide, Article) for match in finder(model, country, words, similar)]
    chosen = []
    for match in found:
        available = match.item.languages()
        shown = next((code for code in chain if code in available), None)
        if shown in match.ranks:
            chosen.append(Hit(match.item, shown, match.ranks[shown]))
    if not chosen:
        others = [code for code in country.public_languages if code != requested]
        for match in found:
            available = match.item.languages()
            language = next((code for code in others if code in match.ranks and code in available), None)
            if language:
                chosen.append(Hit(match.item, language, match.ranks[language], other_language=True))
    ordered = sorted(chosen, key=lambda h: (chain.index(h.language), -h.rank))
    return ordered[:MAX_RESULTS]
