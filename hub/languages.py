"""Which language a reader gets when a text does not exist in theirs, and what the page says about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info

if TYPE_CHECKING:
    from ventanillas.models import Country

    from .models import Content

# The language a reader of the first one most likely reads next: most Haitians read French, most
# Surinamese read English. After it come the country's own public languages, then the portal's.
NEIGHBOURS = {"ht": ["fr"], "nl": ["en"], "fr": [], "en": [], "es": []}
PORTAL_ORDER = [code for code, _name in settings.LANGUAGES]


def fallback_chain(requested: str, country: Country | None) -> list[str]:
    """The languages to try, best first: e.g. ht → fr → es in Panama, nl → en → es in Suriname."""
    chain = [requested, *NEIGHBOURS.get(requested, [])]
    if country is not None:
        chain += list(country.public_languages)
    chain += PORTAL_ORDER
    return list(dict.fromkeys(chain))


def best_language(available: list[str], requested: str, country: Country | None) -> str | None:
    return next((code for code in fallback_chain(requested, country) if code in available), None)


def language_name(code: str) -> str:
    """The language's name in the language itself (Kreyòl ayisyen, Français): for the language switcher."""
    return capfirst(get_language_info(code)["name_local"])


def reader_language_name(code: str) -> str:
    """The language's name in the reader's language (a Kreyòl reader reads "Franse", not "Français")."""
    return str(dict(settings.LANGUAGES)[code])


def ordered_for(country: Country | None, codes: list[str]) -> list[str]:
    """Languages in the country's order first (the switcher shows the country's main language first)."""
    order = list(dict.fromkeys([*(country.public_languages if country else []), *PORTAL_ORDER]))
    return [code for code in order if code in codes]


@dataclass
class Localized:
    """An item's text in the language the reader gets, and whether it is a fallback."""

    item: Content
    language: str
    requested: str
    available: list[str] = field(default_factory=list)

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested

    @property
    def title(self) -> str:
        return self.item.raw("title", self.language)

    @property
    def summary(self) -> str:
        return self.item.raw("summary", self.language)

    @property
    def body(self) -> str:
        return self.item.raw("body", self.language)

    @property
    def requested_name(self) -> str:
        return reader_language_name(self.requested)

    @property
    def language_name(self) -> str:
        return reader_language_name(self.language)

    @property
    def state(self) -> str:
        return self.item.translation_state(self.language)

    @property
    def source_name(self) -> str:
        """The source language named in the reader's language ("the Spanish text", not "the Español text")."""
        return reader_language_name(self.item.source_language)

    @property
    def source_name_local(self) -> str:
        """The source language in its own words: the label of the link to the source text (with its lang)."""
        return language_name(self.item.source_language)

    @property
    def source_date(self) -> date | None:
        made_from = self.item.translation_source_date(self.language)
        return date.fromisoformat(made_from) if made_from else None


def localize(item: Content, requested: str, country: Country | None) -> Localized | None:
    """The item in the reader's language, or in the best fallback; None when it has no published text."""
    available = item.languages()
    language = best_language(available, requested, country)
    if language is None:
        return None
    return Localized(item=item, language=language, requested=requested, available=available)
