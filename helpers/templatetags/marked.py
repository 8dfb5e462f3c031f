"""``{{ value|marked }}``: a name or text shown in the language it is written in, with its ``lang`` when that
is not the page's (see ``helpers.marked``)."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html

from helpers.marked import Marked, foreign_language

register = template.Library()


@register.filter
def marked(value) -> str:
    """The value (a ``Marked`` string, or an object whose ``str`` is one) escaped, in a ``<span lang>`` when
    it is written in another language than the page's."""
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else str(value)
    lang = foreign_language(text)
    return format_html('<span lang="{}">{}</span>', lang, text) if lang else conditional_escape(text)


@register.filter
def marked_as(value, lang: str) -> str:
    """``{{ window.name|marked_as:window.written_in }}``: a text whose language is given beside it."""
    return marked(Marked(str(value), lang)) if value not in (None, "") else ""


@register.filter
def in_page_language(value) -> bool:
    """Whether a value is written in the page's language (a title that would read wrongly otherwise)."""
    text = value if isinstance(value, str) else str(value)
    return not foreign_language(text)
