"""Bounds every app shares: what a typed text or date may be before it reaches the database.

- Text: no control characters (NUL and the other C0/C1 codes a keyboard does not type); tabs and line
  breaks stay. Every form ``CharField`` refuses them (``portal.apps`` adds the validator), and
  ``clean_text`` lets a service or an upload check a value that never passes a form.
- Days: the programme's figures start in 2000; nothing is planned or counted beyond a few years ahead.
  ``check_day`` and ``check_moment`` give a translated message instead of an overflow or a row that no
  page can read back (PostgreSQL stores year 9999 in a local zone as year 10000 in UTC).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The first day any figure or record of the programme can carry.
EARLIEST_DAY = date(2000, 1, 1)
# How far ahead a planned date (a session, a period) may reach from today.
PLANNING_YEARS = 2
ALLOWED_CONTROL = {"\t", "\n", "\r"}
EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit, and Django's EmailField column


def latest_day(today: date) -> date:
    """The last day a period or a plan may reach: the end of the year two years from now."""
    return date(today.year + PLANNING_YEARS, 12, 31)


# Directional embeddings, overrides and isolates: a name holding U+202E shows reversed on a page and in a
# spreadsheet (a "Trojan source" spelling); nobody types them in the portal's five languages.
DIRECTIONAL_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def control_characters(value: str) -> list[str]:
    """The control characters in ``value`` (Unicode category Cc, and the directional controls), tabs and line
    breaks excepted."""
    return [
        ch
        for ch in value
        if (unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL) or ch in DIRECTIONAL_CONTROLS
    ]


@deconstructible
class ProhibitControlCharacters:
    message = _("Remove the control characters from this text (they cannot be typed or shown).")
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, ProhibitControlCharacters)

    def __hash__(self) -> int:
        return hash(self.code)


prohibit_control_characters = ProhibitControlCharacters()


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """Check a text that reaches a service without a form; raise ValidationError with the reason."""
    prohibit_control_characters(value)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("Shorten this text to %(limit_value)d characters (it has %(show_value)d)."),
            code="max_length",
            params={"limit_value": max_length, "show_value": len(value)},
        )
    return value


def check_day(value: date, *, today: date, earliest: date = EARLIEST_DAY, latest: date | None = None) -> None:
    """A day within [earliest, latest]; latest defaults to the planning horizon."""
    latest = latest or latest_day(today)
    if value < earliest or value > latest:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": earliest.isoformat(), "last": latest.isoformat()},
        )


def check_moment(
    value: datetime, *, now: datetime, not_before: datetime | None = None, years_ahead: int = PLANNING_YEARS
) -> None:
    """A date and time from ``not_before`` (default: now) to ``years_ahead`` years from now."""
    start = now if not_before is None else not_before
    limit = now + timedelta(days=365 * years_ahead + years_ahead // 4 + 1)
    if value < start:
        raise ValidationError(_("Choose a time in the future."), code="past")
    if value > limit:
        raise ValidationError(
            _("Give a date no more than %(years)d years ahead."), code="too_far", params={"years": years_ahead}
        )


MAX_ID = 2**63 - 1  # the largest primary key PostgreSQL and SQLite store


def record_id(value: str | None) -> int | None:
    """A record number typed or passed in a link ("#42", "42"), or None. Only ASCII digits count ("²" and
    "٣" pass ``str.isdigit`` but are no number a query takes), and only numbers a column can hold."""
    text = (value or "").strip().lstrip("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
