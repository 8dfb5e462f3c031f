"""Search in the reader's language across the guides and articles of a country, with the words people use.

Each query word also looks for the words that mean the same to a reader (``hub.synonyms``: "papeles" finds
"residencia", "rezidans" finds "permiso"), and for words that start with it ("regulari" finds
"regularización"). A guide is found by its text and by its pathway's name, steps, documents and fees
("pasaporte" finds the guide whose document list asks for one; "costo" finds guides with a fee box).

PostgreSQL: each item keeps one stored search vector per language (``search_<lang>``, GIN-indexed, see
migration 0002), built with that language's text-search configuration over unaccented text, the pathway's
words included (weight D). The query is a prefix match of every alternative of each word; a word with a
typo ("regularisacion", "pasaport") also matches the index's own words that pg_trgm finds similar. SQLite
(laptops) has no full-text search: it compares accent-free words in Python, with the same synonyms and
prefixes and one letter of tolerance in long words, which is enough for the few dozen items of one country.

When nothing is found in the languages the reader would be shown, the texts of the country's other public
languages are searched, and those results say which language they are in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, TextField, Value

from .languages import fallback_chain, reader_language_name
from .models import Article, Content, Guide
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


def _similar_index_words(country: Country, language: str, word: str) -> list[str]:
    """Words of the country's index in ``language`` that pg_trgm finds close to ``word`` (a typo)."""
    if len(word) < 4:
        return []
    column = f"search_{language}"
    inner = (
        f"SELECT {column} FROM hub_guide WHERE country_id = {int(country.pk)} "  # noqa: S608 - int and a known column # nosec B608
        f"UNION ALL SELECT {column} FROM hub_article WHERE country_id = {int(country.pk)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE similarity(word, %s) >= %s ORDER BY similarity(word, %s) DESC LIMIT 3",
            [inner, word, TYPO_SIMILARITY, word],
        )
        return [row[0] for row in cursor.fetchall()]


def _tsquery(country: Country, language: str, words: list[str]) -> str:
    groups = []
    for word in words:
        options = {alt for alt in alternatives(word) if WORD.fullmatch(alt)}
        options |= {w for w in _similar_index_words(country, language, word) if WORD.fullmatch(w)}
        groups.append("(" + " | ".join(f"{option}:*" for option in sorted(options)) + ")")
    return " & ".join(groups)


def _postgres_hits(model: type[Content], country: Country, language: str, words: list[str]) -> list[Hit]:
    column = f"search_{language}"
    search = SearchQuery(_tsquery(country, language, words), config=CONFIGS[language], search_type="raw")
    rows = (
        model.objects.filter(country=country)
        .select_related("country")  # each hit links to an address built from its country
        .annotate(rank=SearchRank(F(column), search))
        .filter(**{column: search})
        .order_by("-rank", "slug")[:MAX_RESULTS]
    )
    return [Hit(row, language, row.rank) for row in rows]


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


def _python_hits(model: type[Content], country: Country, language: str, words: list[str]) -> list[Hit]:
    hits = []
    rows = model.objects.filter(country=country).select_related("country").exclude(**{f"title_{language}": ""})
    for row in rows.exclude(**{f"title_{language}__isnull": True}):
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
                break
            rank += 3 * found[0] + 2 * found[1] + found[2] + 0.5 * found[3]
        else:
            hits.append(Hit(row, language, rank))
    return hits


# Both ----------------------------------------------------------------------------------------------------


def _search_languages(country: Country, languages: list[str], words: list[str], shown: dict) -> dict:
    finder = _postgres_hits if uses_postgres() else _python_hits
    chosen: dict[tuple[str, int], Hit] = {}
    for language in languages:
        for model in (Guide, Article):
            for hit in finder(model, country, language, words):
                if shown(hit):
                    chosen.setdefault((hit.kind, hit.item.pk), hit)
    return chosen


def search(country: Country, requested: str, query: str) -> list[Hit]:
    """Ranked guides and articles of ``country`` matching ``query`` for a reader of ``requested``.

    An item is searched in the language the reader would be shown it in (ht → fr → es ...), so a Kreyòl
    reader still finds a French-only guide. When that finds nothing, every other public language of the
    country is searched too, and such hits are marked ``other_language``.
    """
    words = _words(" ".join(query.split())[:200])
    if not words:
        return []
    chain = fallback_chain(requested, country)

    def shown_language(hit: Hit) -> bool:
        available = hit.item.languages()
        return hit.language in available and next(c for c in chain if c in available) == hit.language

    chosen = _search_languages(country, chain, words, shown_language)
    if not chosen:
        others = [code for code in country.public_languages if code != requested]
        chosen = _search_languages(country, others, words, lambda hit: hit.language in hit.item.languages())
        for hit in chosen.values():
            hit.other_language = True
    ordered = sorted(chosen.values(), key=lambda h: (chain.index(h.language), -h.rank))
    return ordered[:MAX_RESULTS]
