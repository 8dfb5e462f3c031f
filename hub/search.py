"""Search in the reader's language across a country's guides, articles and frequent questions: synonyms,
prefixes and typos (a bounded edit distance to the index's own words), stored vectors per language on PostgreSQL, accent-free words in
Python on SQLite, the country's other public languages when nothing is found, and the nearest words of the
country's content to offer when even that finds nothing. See docs/content.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, TextField, Value
from django.urls import reverse

from .languages import fallback_chain, reader_language_name
from .models import SEARCH_COLUMNS, Article, Content, FaqEntry, Guide
from .pathways import index_text
from .synonyms import alternatives, fold, known_words

if TYPE_CHECKING:
    from ventanillas.models import Country

CONFIGS = {"es": "spanish", "en": "english", "fr": "french", "nl": "dutch", "ht": "simple"}
MAX_RESULTS = 20
# PostgreSQL dictionary that reduces a query word the way each language's vector reduced the text.
STEMMERS = {"es": "spanish_stem", "en": "english_stem", "fr": "french_stem", "nl": "dutch_stem", "ht": "simple"}
WORD = re.compile(r"[a-z0-9]+")
TEXT_WORD = re.compile(r"[^\W\d_]+")


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
    item: Content | Question
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
        if isinstance(self.item, Question):
            return "faq"
        return "guide" if isinstance(self.item, Guide) else "article"

    @property
    def language_name(self) -> str:
        return reader_language_name(self.language)


def _alternatives(word: str) -> set[str]:
    """The word's synonyms; for a word of no group, those of the group words a typo away ("residensia")."""
    options = alternatives(word)
    allowed = typos_allowed(word)
    if allowed and len(options) == 1:
        for known in known_words():
            if distance(word, known) <= allowed:
                options |= alternatives(known)
    return options


def _words(query: str) -> list[str]:
    return [w for w in WORD.findall(fold(query)) if len(w) > 1]


# PostgreSQL ----------------------------------------------------------------------------------------------


def typos_allowed(word: str) -> int:
    """Letters that may be wrong in a typed word: none under four letters (too many words are that close),
    one up to seven, two from eight ("pasaprte" -> "pasaporte")."""
    if not word.isalpha() or len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


@lru_cache(maxsize=65536)
def distance(a: str, b: str, limit: int = 2) -> int:
    """Letters to add, remove, change or swap (two side by side) to turn ``a`` into ``b`` (optimal string
    alignment), or ``limit + 1`` as soon as it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
    return min(current[-1], limit + 1)


def _stem_distance(word: str, stem: str) -> int:
    """0 or 1 when a stem of the index (half the typed word at least) is, one slip aside, the start of a longer
    typed word whose slip kept the stemmer from taking its ending off ("legalyl" -> "legal", "natioeality" ->
    "nation"); 3 otherwise."""
    if len(stem) < 4 or not len(stem) < len(word) <= 2 * len(stem):
        return 3
    near = min(distance(word[:size], stem, 1) for size in (len(stem) - 1, len(stem), len(stem) + 1))
    return near if near <= 1 else 3


def _similar_index_words(country: Country, words: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(language, word): words (stems) of the country's index in that language within the typos a word of its
    length allows, nearest first}: one query for every language and every word.

    fuzzystrmatch's ``levenshtein_less_equal`` keeps the index words at most two edits from the typed word or
    from its stem in that language; Python then counts a swap of two letters as one edit and applies the
    allowance of the word's length."""
    typed = [word for word in words if typos_allowed(word)]
    if not typed:
        return {}
    pk = int(country.pk)
    stats = " UNION ALL ".join(
        f"SELECT '{code}' AS language, word FROM ts_stat("  # noqa: S608 - a known code and column, an int # nosec B608
        f"'SELECT search_{code} FROM hub_guide WHERE country_id = {pk} "
        f"UNION ALL SELECT search_{code} FROM hub_article WHERE country_id = {pk}')"
        for code in CONFIGS
    )
    stemmers = " UNION ALL ".join(f"SELECT '{code}', '{name}'" for code, name in STEMMERS.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH q AS (SELECT d.language, t.typed, "  # noqa: S608 - known codes and dictionaries # nosec B608
            f"coalesce((ts_lexize(d.dict::regdictionary, t.typed))[1], t.typed) AS stem "
            f"FROM unnest(%s::text[]) AS t(typed) CROSS JOIN ({stemmers}) AS d(language, dict)) "
            f"SELECT s.language, q.typed, q.stem, s.word FROM ({stats}) s JOIN q ON q.language = s.language "
            "WHERE levenshtein_less_equal(s.word, q.typed, 2) <= 2 OR levenshtein_less_equal(s.word, q.stem, 2) <= 2 "
            "OR (length(s.word) >= 4 AND length(q.typed) > length(s.word) AND length(q.typed) <= 2 * length(s.word) "
            "AND levenshtein_less_equal(s.word, left(q.typed, length(s.word) + 1), 2) <= 2)",
            [typed],
        )
        rows = cursor.fetchall()
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for language, word, stem, similar in rows:
        near = min(distance(word, similar), distance(stem, similar), _stem_distance(word, similar))
        if near <= typos_allowed(word) and WORD.fullmatch(similar):
            found.setdefault((language, word), []).append((near, similar))
    return {key: [similar for _near, similar in sorted(close)[:5]] for key, close in found.items()}


def _query(language: str, words: list[str], similar: dict[tuple[str, str], list[str]]) -> SearchQuery:
    """Every word (its synonyms, or words starting with it, in the language's configuration; or an index word
    a typo away, as stored)."""
    query = None
    for word in words:
        options = sorted(f"{alt}:*" for alt in _alternatives(word) if WORD.fullmatch(alt))
        group = SearchQuery(" | ".join(options), config=CONFIGS[language], search_type="raw")
        if close := similar.get((language, word)):
            group |= SearchQuery(" | ".join(close), config="simple", search_type="raw")
        query = group if query is None else query & group
    return query


def _postgres_matches(model: type[Content], country: Country, words: list[str], similar: dict) -> list[Match]:
    """Every item of the country that matches in at least one language, with its rank in each language it
    matches in: one query, whatever the number of languages."""
    ranks, matches, anywhere = {}, {}, Q()
    for code in CONFIGS:
        query = _query(code, words, similar)
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


def _near(word: str, candidate: str, typed: bool) -> bool:
    """Prefix ("regulari" -> "regularizacion") or, for the typed word itself (not its synonyms), the typos its
    length allows ("pasaprte" -> "pasaporte")."""
    if candidate.startswith(word):
        return True
    allowed = typos_allowed(word) if typed else 0
    return bool(allowed) and distance(word, candidate) <= allowed


def _python_rank(row: Content, language: str, words: list[str]) -> float | None:
    if not row.raw("title", language):
        return None
    fields = [fold(row.raw(f, language)) for f in ("title", "summary", "body")] + [_pathway_words(row, language)]
    tokens = [WORD.findall(text) for text in fields]
    rank = 0.0
    for word in words:
        options = _alternatives(word)
        found = [
            sum(1 for token in field_tokens if any(_near(option, token, option == word) for option in options))
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


# Frequent questions (few per country: compared in Python on both databases) ----------------------------------


@dataclass
class Question:
    """A frequent question read like a guide by the search: its question is the title, its answer the body."""

    entry: FaqEntry

    def raw(self, field: str, language: str) -> str:
        name = {"title": "question", "body": "answer"}.get(field)
        return (getattr(self.entry, f"{name}_{language}") or "") if name else ""

    def languages(self) -> list[str]:
        return self.entry.languages()

    def get_absolute_url(self) -> str:
        return reverse("hub:faq", kwargs={"country": self.entry.country.slug}) + f"#faq-{self.entry.pk}"


def _faq_matches(country: Country, words: list[str]) -> list[Match]:
    found = []
    for entry in FaqEntry.objects.filter(country=country).select_related("country"):
        question = Question(entry)
        ranks = {code: rank for code in CONFIGS if (rank := _python_rank(question, code, words)) is not None}
        if ranks:  # after the guides and articles of the same language
            found.append(Match(question, {code: rank - 1000 for code, rank in ranks.items()}))
    return found


# Both ----------------------------------------------------------------------------------------------------


@dataclass
class Match:
    """An item and its rank in each language whose text (and pathway) matches every word."""

    item: Content | Question
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
    found += _faq_matches(country, words)
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


# Did you mean ----------------------------------------------------------------------------------------------


def _content_words(country: Country) -> dict[str, tuple[str, int]]:
    """{accent-free word: (the word as the content writes it, in how many texts)} over the title, summary and
    body of the country's guides and articles and their pathways, and its frequent questions, in every
    language: a fixed number of queries, whatever the number of items."""
    words: dict[str, tuple[str, int]] = {}
    guides = Guide.objects.filter(country=country).select_related("pathway")
    guides = guides.prefetch_related("pathway__facts", "pathway__steps", "pathway__documents")
    for items in (guides.defer(*SEARCH_COLUMNS), Article.objects.filter(country=country).defer(*SEARCH_COLUMNS)):
        for item in items:
            for code in CONFIGS:
                text = " ".join(item.raw(field, code) or "" for field in ("title", "summary", "body"))
                if isinstance(item, Guide) and text.strip():
                    text += " " + index_text(item.pathway, code)
                for written in {w.casefold() for w in TEXT_WORD.findall(text) if len(w) > 2}:
                    folded = fold(written)
                    seen = words.get(folded)
                    words[folded] = (seen[0] if seen else written, (seen[1] if seen else 0) + 1)
    for entry in FaqEntry.objects.filter(country=country):
        question = Question(entry)
        for code in CONFIGS:
            text = question.raw("title", code) + " " + question.raw("body", code)
            for written in {w.casefold() for w in TEXT_WORD.findall(text) if len(w) > 2}:
                folded = fold(written)
                seen = words.get(folded)
                words[folded] = (seen[0] if seen else written, (seen[1] if seen else 0) + 1)
    return words


def suggestion(country: Country, query: str) -> str:
    """The query with each word the country's content does not know replaced by the nearest word it does know
    (two letters off at most, the more frequent first; a word of the synonym lists, which finds its group's
    words, comes after those), or "" when no word has a near neighbour."""
    typed = WORD.findall(fold(" ".join(query.split())[:200]))
    if not typed:
        return ""
    known = {word: (word, 0) for word in known_words()} | _content_words(country)
    changed, out = False, []
    for word in typed:
        if word in known or len(word) < 4 or not word.isalpha():
            out.append(known.get(word, (word, 0))[0])
            continue
        limit = 1 if len(word) < 5 else 2
        near = [(distance(word, folded), -count, written) for folded, (written, count) in known.items()]
        near = [candidate for candidate in near if candidate[0] <= limit]
        if near:
            changed = True
            out.append(min(near)[2])
        else:
            out.append(word)
    return " ".join(out) if changed else ""
