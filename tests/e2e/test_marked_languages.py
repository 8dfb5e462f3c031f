"""Every page kind in every language, as Chromium shows it (after its scripts ran): no name or text whose
language the portal knows stands outside an element marked with that language.

The portal knows the language of what its data holds: a window's name, address and host institution
(``written_in``), a partner's name, each translation of a pathway, guide, article, FAQ entry, alert, course
and country, the names of the nationalities in each language (django-countries, with the portal's Kreyòl
names). Each of these strings that one language uses and the others do not is looked for in the text of the
page (each text node, the title, the description and the attributes a screen reader reads), and must sit
inside an element whose nearest ``lang`` is its own. A place name alone ("Dajabón", "Santo Domingo") is the
same in every language and is not looked for; a string shorter than four letters says nothing.

The catalog strings (the portal's own words) are checked on the same pages over HTTP in ``test_pages.py``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from .conftest import DESKTOP
from .languages import _catalogs
from .pages import LANGS, PUBLIC_KINDS, STAFF_KINDS, public_kinds, staff_kinds

_KNOWN = r"""
import json
from django.conf import settings
from django.utils import translation
from django_countries import Countries
from cases.countries import HT_NAMES, NON_COUNTRIES
from cases.models import PathwayDocument, PathwayStep, RegularizationPathway
from hub.models import Alert, Article, FaqEntry, Guide
from training.models import Course
from ventanillas.models import Country, InformationWindow, PartnerOrganisation

langs = [code for code, _name in settings.LANGUAGES]
known = {}
def add(text, lang):
    text = " ".join((text or "").split())
    if len(text) >= 4 and lang in langs:
        known.setdefault(text, set()).add(lang)
for window in InformationWindow.objects.select_related("country"):
    add(window.name, window.written_in)
    add(window.address, window.written_in)
    add(window.host_institution, window.host_written_in)
for partner in PartnerOrganisation.objects.select_related("country"):
    add(partner.name, partner.language)
translated = [
    (RegularizationPathway, ["name"]), (PathwayStep, ["title"]), (Guide, ["title", "summary"]),
    (Article, ["title", "summary"]), (FaqEntry, ["question"]), (Alert, ["title"]), (Course, ["title"]),
    (Country, ["name"]),
]
for model, fields in translated:
    for row in model.objects.all():
        for field in fields:
            for lang in langs:
                add(getattr(row, f"{field}_{lang}", ""), lang)
for document in PathwayDocument.objects.all():
    add(document.name_es, "es")  # document names are written in the default language only
for lang in langs:
    with translation.override(lang):
        for _code, name in settings.LANGUAGES:
            add(translation.gettext(name), lang)
for lang in ["es", "en", "fr", "nl"]:
    with translation.override(lang):
        for code, name in Countries():
            add(name, lang)
        for name in NON_COUNTRIES.values():
            add(str(name), lang)
for name in HT_NAMES.values():
    add(name, "ht")
with translation.override("ht"):
    for name in NON_COUNTRIES.values():
        add(str(name), "ht")
print(json.dumps({text: sorted(found) for text, found in known.items()}))
"""

# Each text node of the page (the title included), the description and the attributes a screen reader reads,
# with the nearest lang of its element.
_TEXTS = """() => {
  const langOf = (element) => { const marked = element.closest('[lang]'); return marked ? marked.getAttribute('lang') : ''; };
  const out = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest('script, style, template')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push([text, langOf(element), element.tagName.toLowerCase()]);
  }
  for (const element of document.querySelectorAll('[aria-label], [title], [alt], [placeholder], meta[name=description]')) {
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      if (element.hasAttribute(name)) out.push([element.getAttribute(name), langOf(element), name]);
    }
    if (element.matches('meta')) out.push([element.content, langOf(element), 'description']);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def known(django) -> dict[str, set[str]]:
    """Each string of the data -> the languages that use it; a language whose catalog holds the same words
    uses them too ("Frans" is France in Kreyòl and French in Dutch)."""
    known = {text: set(langs) for text, langs in json.loads(django(_KNOWN)).items()}
    catalogs = {lang: set(strings.values()) | (set(strings) if lang == "en" else set())
                for lang, strings in _catalogs().items()}  # fmt: skip
    for text, langs in known.items():
        langs.update(lang for lang, strings in catalogs.items() if text in strings)
    return known


def foreign_in(known: dict[str, set[str]], texts: list[list[str]]) -> list[str]:
    """The known strings found in a text whose nearest lang is not a language that uses them."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for text, lang, _where in texts:
        by_lang[lang.split("-")[0]].append(" ".join(text.split()))
    found = []
    for lang, chunks in by_lang.items():
        whole = "\n".join(chunks)
        # A name of this language that holds a foreign one ("Salvador" in French, "El Salvador" here) is its own.
        own = sorted((s for s, langs in known.items() if lang in langs and s in whole), key=len, reverse=True)
        for string in own:
            whole = whole.replace(string, "\0")
        chunks = whole.split("\n")
        for string, langs in known.items():
            if lang in langs or string not in whole:
                continue
            if not re.search(rf"(?<!\w){re.escape(string)}(?!\w)", whole):
                continue
            chunk = next((c for c in chunks if string in c), string)
            found.append(f"“{string}” ({'/'.join(sorted(langs))}) in “{chunk[:100]}” marked {lang or 'nothing'}")
    return found


@pytest.fixture(scope="module")
def browse(new_context, staff_state, fetch, live_url):
    """``browse(path, user)``: the texts of a page in Chromium (its scripts run), one tab per user (signed in).

    The page's HTML is the one ``fetch`` got from the server for the other checks of the run (asked once);
    the browser loads it at its own address and runs its scripts (style sheets and images write no text and
    are not loaded)."""
    tabs = {}

    def serve_page(route, user: str | None) -> None:
        if route.request.resource_type == "document" and route.request.url.startswith(live_url):
            html = fetch(route.request.url.removeprefix(live_url), user)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif route.request.resource_type in {"stylesheet", "image", "font", "media"}:
            route.abort()  # they write no text; the scripts, which may, run
        else:
            route.continue_()

    def texts(path: str, user: str | None = None) -> list[list[str]]:
        if user not in tabs:
            state = {"storage_state": staff_state(user)} if user else {}
            tabs[user] = new_context(DESKTOP, **state).new_page()
            tabs[user].route("**/*", _serving_as(serve_page, user))
        tab = tabs[user]
        tab.goto(path, wait_until="load")
        assert tab.get_attribute("html", "lang") == path.split("/")[1]
        return tab.evaluate(_TEXTS)

    return texts


def _serving_as(serve_page, user):
    """A route handler of one argument (Playwright passes the request too to a handler that takes two)."""
    return lambda route: serve_page(route, user)


PAGES = [(lang, kind, False) for lang in LANGS for kind in PUBLIC_KINDS]
PAGES += [(lang, kind, True) for lang in LANGS for kind in STAFF_KINDS]


@pytest.mark.parametrize(("lang", "kind", "staff"), PAGES, ids=[f"{lang}-{kind}" for lang, kind, _s in PAGES])
def test_every_known_name_carries_its_language(browse, known, demo, lang, kind, staff):
    user, path = staff_kinds(demo, lang)[kind] if staff else (None, public_kinds(demo, lang)[kind])
    found = foreign_in(known, browse(path, user))
    assert not found, "\n".join(found)


def test_the_check_finds_a_name_left_unmarked(known):
    """The detector itself: a Spanish window name in Kreyòl text is found, and the same name marked es is not."""
    name = next(text for text, langs in known.items() if langs == {"es"} and text.startswith("Ventanilla "))
    assert foreign_in(known, [[f"Biwo: {name}", "ht", "p"]]) != []
    assert foreign_in(known, [["Biwo:", "ht", "p"], [name, "es", "span"]]) == []
