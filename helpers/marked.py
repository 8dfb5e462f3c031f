"""Text that knows the language it is written in, so that a page can mark it with ``lang``.

A window's name is Spanish on a Kreyòl page, a country without a Kreyòl name is French: a ``Marked`` string
is an ordinary string (it sorts, compares and prints as one) that carries its language, which the select
renderer (``helpers.renderers``) and the ``marked`` template filter (``helpers.templatetags.marked``) turn
into a ``lang`` attribute wherever it differs from the page's.
"""

from __future__ import annotations

from django.utils.translation import get_language


class Marked(str):
    """A string and the language it is written in (``lang``, a language code; blank: the page's)."""

    lang: str

    def __new__(cls, text: str, lang: str = "") -> Marked:
        marked = super().__new__(cls, text)
        marked.lang = lang or ""
        return marked


def foreign_language(value) -> str:
    """The language of a value when it is not the page's (the active language), else blank."""
    lang = getattr(value, "lang", "") or ""
    page = (get_language() or "").split("-")[0]
    return lang if lang and lang.split("-")[0] != page else ""
