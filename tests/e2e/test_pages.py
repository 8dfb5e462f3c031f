"""Every page kind in every language, as the server sends it: valid HTML, no text of another language
without its `lang`, and `hreflang` alternates that list the page's translations.

Pages are fetched over HTTP from the live server (staff pages with a signed-in user's session cookie).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .htmlcheck import problems
from .languages import wrong_language
from .pages import LANGS, PUBLIC_KINDS, STAFF_KINDS, public_kinds, staff_kinds

PAGES = [(lang, kind, None) for lang in LANGS for kind in PUBLIC_KINDS]
PAGES += [(lang, kind, "staff") for lang in LANGS for kind in STAFF_KINDS]
IDS = [f"{lang}-{kind}" for lang, kind, _staff in PAGES]


def _path(demo, lang, kind, staff):
    return staff_kinds(demo, lang)[kind] if staff else (None, public_kinds(demo, lang)[kind])


@pytest.mark.parametrize(("lang", "kind", "staff"), PAGES, ids=IDS)
def test_page_is_valid_html(fetch, demo, lang, kind, staff):
    user, path = _path(demo, lang, kind, staff)
    assert problems(fetch(path, user)) == []


@pytest.mark.parametrize(("lang", "kind", "staff"), PAGES, ids=IDS)
def test_page_speaks_its_language(fetch, demo, lang, kind, staff):
    user, path = _path(demo, lang, kind, staff)
    assert wrong_language(fetch(path, user), lang) == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.canonical = ""
        self.switcher: set[str] = set()
        self.in_switcher = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        if tag == "nav" and "language-switcher" in (attrs.get("class") or ""):
            self.in_switcher = 1
        if self.in_switcher and tag in {"a", "span"} and attrs.get("lang"):
            self.switcher.add(attrs["lang"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = 0


@pytest.mark.parametrize(("lang", "kind"), [(lang, kind) for lang in LANGS for kind in PUBLIC_KINDS],
                         ids=[f"{lang}-{kind}" for lang in LANGS for kind in PUBLIC_KINDS])  # fmt: skip
def test_public_page_lists_its_translations(fetch, live_url, demo, lang, kind):
    """Each language the page is offered in (its language switcher) is an hreflang alternate, itself included
    unless it is a stand-in in another language (a guide not yet translated, whose canonical is the text
    shown), and each alternate is a page that exists."""
    links = _Links()
    links.feed(fetch(public_kinds(demo, lang)[kind]))
    offered = links.switcher or {lang}
    if links.canonical and f"/{lang}/" not in links.canonical:
        offered = offered - {lang}
    assert offered <= set(links.alternates), f"missing hreflang for {offered - set(links.alternates)}"
    for code, url in links.alternates.items():
        assert url.startswith(live_url + f"/{code}/")
        fetch(url.removeprefix(live_url))
