"""What the person written to allows, asked at the moment of sending.

The outbox imports no other app, so the apps that write to people register a check per kind of record:
``register("cases.person", check)`` where ``check(pk, channel, kind)`` says whether the person with this
primary key may be written to on ``channel`` today, with a message of ``kind``. A message to a person carries the reference of that record
(``Message.addressee``, e.g. "cases.person:12"); the dispatcher asks the check just before sending and
cancels the message when the answer is no. A message to a record whose kind registered no check is not
sent either: an app that names the person must also say what they allow.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

_checks: dict[str, Callable[[str, str, str], bool]] = {}


def register(label: str, check: Callable[[str, str, str], bool]) -> None:
    """``label`` is the record's "app.model" in lower case; ``check(pk, channel, kind) -> bool``."""
    _checks[label] = check


def addressee(record: models.Model | None) -> str:
    """The reference a message keeps of the person it is written to ("" for staff)."""
    return f"{record._meta.label_lower}:{record.pk}" if record is not None else ""


def allows(reference: str, channel: str, kind: str = "") -> bool:
    """Whether the person referred to may be written to on ``channel`` now; True for staff (no reference)."""
    if not reference:
        return True
    label, _sep, pk = reference.partition(":")
    check = _checks.get(label)
    return bool(check and check(pk, channel, kind))
