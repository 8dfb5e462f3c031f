"""The rules that services, selectors and reminders share: how names and identifiers are normalised and
hashed for search, which fields describe a person, and what consent allows. Pure reads: nothing here changes
state, so every module of the app may import it without forming a circle."""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from django.utils import timezone

from privacy import crypto

from .models import (
    AgeGroup,
    ConsentKind,
    LegalBasis,
    Person,
)
from .name_index import name_key, name_tokens, normalise_text  # noqa: F401  (the app reads them here)


def normalise_document_number(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def parse_phone(value: str, region: str = "") -> str | None:
    """A phone number in E.164 ("+50688881234"), read with ``region`` (ISO country code, the window's
    country) as the country of a number written without its code; None when it is not a possible number."""
    if not (value or "").strip():
        return None
    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(value: str, region: str = "") -> str:
    """E.164 when the number can be read, else its digits (so that a hash is still stable)."""
    parsed = parse_phone(value, region)
    if parsed:
        return parsed
    return re.sub(r"\D", "", value or "").lstrip("0")


def _normalise(kind: str, value: str, region: str) -> str:
    return normalise_document_number(value) if kind == "document" else normalise_phone(value, region)


def identifier_hash(kind: str, value: str, region: str = "") -> str:
    """Keyed hash (HMAC-SHA256 with the current SEARCH_HASH_KEYS key) of a normalised identifier, for
    exact-match search.

    ``kind`` is "document" or "phone" (phones in E.164, read with ``region`` as their default country); the
    same number always gives the same hash whatever its format, and nobody without the key can test a
    guessed number against the table.
    """
    normalised = _normalise(kind, value, region)
    return crypto.keyed_hash(f"{kind}:{normalised}") if normalised else ""


def identifier_hashes(kind: str, value: str, region: str = "") -> list[str]:
    """The hash under every configured key: a search finds rows not yet re-hashed after a key rotation."""
    normalised = _normalise(kind, value, region)
    return crypto.keyed_hashes(f"{kind}:{normalised}") if normalised else []


def person_hashes(person: Person) -> dict[str, str]:
    """The keyed hashes stored beside a person's encrypted identifiers and name, from the current key."""
    region = person.window.country.code if person.window_id else ""
    return {
        "name_tokens": name_tokens(person.given_names or "", person.family_names or ""),
        "document_number_hash": identifier_hash("document", person.document_number or ""),
        "phone_hash": identifier_hash("phone", person.phone or "", region),
        "whatsapp_hash": identifier_hash("phone", person.whatsapp or "", region),
    }


def people_with_number(number: str, channel: str):
    """The people (not erased, not merged) whose number on record for ``channel`` ("sms" or "whatsapp") is
    ``number``, found by its keyed hash under every key."""
    hashes = identifier_hashes("phone", number)
    if not hashes:
        return Person.objects.none()
    field = "whatsapp_hash" if channel == "whatsapp" else "phone_hash"
    return Person.objects.filter(**{f"{field}__in": hashes}, anonymised_at__isnull=True, merged_into__isnull=True)


def age_group_for(dob: date | None, today: date | None = None) -> str:
    if dob is None:
        return AgeGroup.UNKNOWN
    today = today or timezone.localdate()
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return AgeGroup.for_age(age)


PERSON_FIELDS = (
    "given_names",
    "family_names",
    "date_of_birth",
    "birth_date_estimated",
    "sex",
    "gender",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "phone",
    "whatsapp",
    "email",
    "preferred_language",
    "notes",
    "legal_basis",
)


def has_consent(person: Person, kind: str) -> bool:
    """Whether the person's consent of this kind holds today (given, and not withdrawn since)."""
    latest = person.consents.filter(kind=kind).order_by("-given_at", "-pk").first()
    return bool(latest and latest.withdrawn_at is None)


# A consultation's topics as the needs of the case it turns into (topics with no matching service are left out).
TOPIC_NEEDS = {
    "regularization": "regularization",
    "asylum": "asylum",
    "labour": "employment",
    "return": "return",
    "health": "health",
    "education": "education",
}


# Contact channels in order of preference, with the detail each needs and the consent that allows it.
CONTACT_CHANNELS = (
    ("whatsapp", "whatsapp", ConsentKind.CONTACT_WHATSAPP),
    ("sms", "phone", ConsentKind.CONTACT_PHONE),
    ("email", "email", ConsentKind.CONTACT_EMAIL),
)


def contact_channels(person: Person) -> list[str]:
    """The channels ("whatsapp", "sms", "email", in this order of preference) on which the person may be
    written to today: the contact detail is on record and the matching consent is given and not withdrawn.
    Nobody is contacted after an erasure, once merged into another record (write to that record), or
    when the data is held on their consent and that consent to processing was withdrawn."""
    if person.anonymised_at or person.merged_into_id:
        return []
    if person.legal_basis == LegalBasis.CONSENT and not has_consent(person, ConsentKind.PROCESSING):
        return []  # consent to processing withdrawn: the data is not used to write to them either
    return [
        channel for channel, field, kind in CONTACT_CHANNELS if getattr(person, field) and has_consent(person, kind)
    ]


# The consent that each outbox channel needs.
CHANNEL_CONSENT = {channel: kind for channel, _field, kind in CONTACT_CHANNELS}


def may_write_to(pk: str, channel: str, kind: str = "") -> bool:
    """The outbox's question at the moment of sending (registered with ``notifications.consent``): may the
    person with this primary key be written to on ``channel`` now?"""
    person = Person.objects.filter(pk=pk).first()
    if person is None or channel not in contact_channels(person):
        return False
    # An emergency broadcast also needs the consent to emergency messages, still in force when it leaves.
    return not kind.startswith("emergency.") or has_consent(person, ConsentKind.EMERGENCY)
