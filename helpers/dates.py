"""Dates written as a reader of each language writes them (the template filters of ``portal`` use these)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import get_language

# English's DATE_FORMAT abbreviates the month ("Nov. 28, 2026"): a date a migrant must act on is written in full.
FULL_DATE_FORMATS = {"en": "j F Y"}


def full_date(value) -> str:
    """A date in the reader's language's full form: "28 de febrero de 2027", "28 février 2027", "28 February 2027"."""
    if not value:
        return ""
    return date_format(value, FULL_DATE_FORMATS.get(get_language(), "DATE_FORMAT"))
