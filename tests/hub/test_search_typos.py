"""Search forgives the slips people make in the guides' own words, in every language, and offers the nearest
words of the country's content when nothing is found.

The misspellings are not chosen by hand: for a sample of words of a demo guide in each language, the suite
makes a deletion, a doubling, a swap of two letters, a wrong letter and the form without accents.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from django.conf import settings

from hub.models import FaqEntry
from hub.search import TEXT_WORD, distance
from hub.synonyms import fold
from tests.factories import country

from .factories import guide

GUIDES = json.loads((Path(settings.BASE_DIR) / "data" / "demo" / "guides.json").read_text())["guides"]
LANGUAGES = ["es", "en", "fr", "nl", "ht"]
SAMPLE = 8


def demo_guide(language: str) -> tuple[str, tuple[str, str, str]]:
    """The first demo guide written in ``language``: its country and (title, summary, body)."""
    for item in GUIDES:
        if language in item["texts"]:
            text = item["texts"][language]
            return item["country"], (text["title"], text["summary"], "\n".join(text["body"]))
    raise LookupError(language)


def sample_words(language: str) -> list[str]:
    """Words of six letters or more of the guide, as written, accented ones first (so that the form without
    accents is tried where the language has them), the rest drawn at random with a fixed seed."""
    _code, texts = demo_guide(language)
    words = sorted({w.casefold() for w in TEXT_WORD.findall(" ".join(texts)) if len(w) >= 6})
    accented = [w for w in words if fold(w) != w][: SAMPLE // 2]
    plain = [w for w in words if w not in accented]
    return accented + random.Random(language).sample(plain, min(len(plain), SAMPLE - len(accented)))


def misspellings(word: str) -> dict[str, str]:
    """One slip of each kind, in the middle of the word (where the first letters cannot help)."""
    plain = fold(word)
    i = len(plain) // 2
    j = next(k for k in range(i, len(plain) - 1) if plain[k] != plain[k + 1]) if len(set(plain[i:])) > 1 else i - 1
    forms = {
        "deletion": plain[:i] + plain[i + 1 :],
        "doubling": plain[:i] + plain[i] + plain[i:],
        "swap": plain[:j] + plain[j + 1] + plain[j] + plain[j + 2 :],
        "substitution": plain[:i] + ("e" if plain[i] != "e" else "a") + plain[i + 1 :],
    }
    if plain != word:
        forms["no accents"] = plain
    return forms


def typo_cases() -> list[tuple[str, str, str, str]]:
    return [
        (language, word, kind, typo)
        for language in LANGUAGES
        for word in sample_words(language)
        for kind, typo in misspellings(word).items()
    ]


def test_the_list_covers_every_language_and_every_kind_of_slip():
    cases = typo_cases()
    assert {language for language, *_rest in cases} == set(LANGUAGES)
    assert {kind for _l, _w, kind, _t in cases} == {"deletion", "doubling", "swap", "substitution", "no accents"}
    assert all(distance(fold(word), typo) <= 1 and typo != word for _l, word, _k, typo in cases)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guide_is_found_by_its_own_words_misspelled(client, db, language):
    code, texts = demo_guide(language)
    guide(country(code), slug="demo-guide", source=language, texts={language: texts})
    url = f"/{language}/{code.lower()}/search/"

    def finds(q: str) -> bool:
        return f'/guides/demo-guide/" lang="{language}"' in client.get(url, {"q": q}).content.decode()

    # Words the index leaves out ("durante", "with": PostgreSQL's stop words) are not found even as written.
    indexed = {word for word in sample_words(language) if finds(word)}
    assert len(indexed) >= SAMPLE - 2, indexed
    missed = [
        f"{kind}: {typo!r} ({word})"
        for lang, word, kind, typo in typo_cases()
        if lang == language and word in indexed and not finds(typo)
    ]
    assert not missed, f"{len(missed)} misspellings did not find the guide: {missed}"


def far_typo(language: str) -> tuple[str, str] | None:
    """A word of the guide with two letters missing, too far for the search to take it for the word and close
    enough to offer it, and that starts no word of the guide: (the word as written, the typo)."""
    _code, texts = demo_guide(language)
    written = {w.casefold() for w in TEXT_WORD.findall(" ".join(texts))}
    plain = {fold(w) for w in written}
    for word in sorted(w for w in written if len(w) == 7):
        typo = fold(word)[:2] + fold(word)[3] + fold(word)[5:]
        if not any(p.startswith(typo) or distance(typo, p) <= 1 for p in plain):
            return word, typo
    return None


@pytest.mark.parametrize("language", ["es", "fr"])
def test_nothing_found_offers_the_nearest_word_of_the_countrys_content_as_a_search(client, db, language):
    code, texts = demo_guide(language)
    guide(country(code), slug="demo-guide", source=language, texts={language: texts})
    word, typo = far_typo(language)
    html = client.get(f"/{language}/{code.lower()}/search/", {"q": typo}).content.decode()
    assert "/guides/demo-guide/" not in html.split("search-results")[1].split("</ol>")[0]  # no hit
    did_you_mean = {"es": "Quizás quiso decir:", "fr": "Vouliez-vous dire :"}[language]
    link = f"/{language}/{code.lower()}/search/?q="
    assert did_you_mean in html
    suggestion = html.split('class="search-suggestion"')[1].split("</p>")[0]
    assert link in suggestion and f">{word}</a>" in suggestion, suggestion
    found = client.get(f"/{language}/{code.lower()}/search/", {"q": word}).content.decode()
    assert f'/guides/demo-guide/" lang="{language}"' in found


def test_a_query_with_no_word_near_the_content_offers_nothing(client, db):
    code, texts = demo_guide("es")
    guide(country(code), slug="demo-guide", texts={"es": texts})
    html = client.get(f"/es/{code.lower()}/search/", {"q": "xqzwv"}).content.decode()
    assert "No se encontró nada." in html
    assert "search-suggestion" not in html


@pytest.mark.parametrize("language", ["es", "en", "fr", "ht"])
def test_a_frequent_question_is_found_by_its_own_words_misspelled(client, db, language):
    entry = json.loads((Path(settings.BASE_DIR) / "data" / "demo" / "faq.json").read_text())["entries"][0]
    text = entry["texts"][language]
    code = {"es": "CR", "en": "BZ", "fr": "HT", "ht": "HT"}[language]
    faq = FaqEntry.objects.create(
        country=country(code),
        question=text["question"],
        answer=text["answer"],
        **{f"question_{language}": text["question"], f"answer_{language}": text["answer"]},
    )
    url = f"/{language}/{code.lower()}/search/"
    words = sorted({w.casefold() for w in TEXT_WORD.findall(text["question"] + " " + text["answer"]) if len(w) >= 6})
    assert words
    missed = [
        f"{kind}: {typo!r} ({word})"
        for word in words
        for kind, typo in misspellings(word).items()
        if f'/faq/#faq-{faq.pk}" lang="{language}"' not in client.get(url, {"q": typo}).content.decode()
    ]
    assert not missed, missed
    page = client.get(f"/{language}/{code.lower()}/faq/").content.decode()
    assert f'id="faq-{faq.pk}"' in page
