"""STOP and its translations, texted to the programme's SMS or WhatsApp number: the consent to that channel
of every person with this number is withdrawn at once, what is queued to the number on that channel is
cancelled, the number goes on the outbox's stop list, and one confirmation is queued in the outbox (in the
person's language, outside quiet hours). Consent is given back at the window only (docs/personal-data.md)."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.db import transaction
from phonenumbers import timezone as number_zones

from cases import services as case_services
from cases.models import AuditEntry
from cases.rules import CHANNEL_CONSENT, has_consent, people_with_number
from notifications import stoplist
from notifications.keys import recipient_digest
from notifications.services import enqueue

# The keywords, written without accents, spaces or punctuation, with the language each one tells (None for
# words that several languages use): the confirmation is written in it when the number names nobody.
KEYWORDS: dict[str, str | None] = {
    "STOP": None,
    "STOPALL": "en",
    "UNSUBSCRIBE": "en",
    "CANCEL": "en",
    "END": "en",
    "QUIT": "en",
    "OPTOUT": "en",
    "REVOKE": "en",
    "BAJA": "es",
    "DARDEBAJA": "es",
    "ALTO": "es",
    "PARAR": "es",
    "PARA": "es",
    "CANCELAR": "es",
    "DETENER": "es",
    "ARRET": "fr",
    "ARRETER": "fr",
    "DESABONNER": "fr",
    "DESINSCRIRE": "fr",
    "DESABONNEMENT": "fr",
    "STOPPEN": "nl",
    "AFMELDEN": "nl",
    "UITSCHRIJVEN": "nl",
    "SISPANN": "ht",
    "KANPE": "ht",
    "RETIRE": "ht",
    "DEZABONE": "ht",
}


def keyword(body: str) -> str | None:
    """The stop keyword a message consists of ("Stop!", " arrêt. ", "opt-out"), or None."""
    decomposed = unicodedata.normalize("NFKD", body or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    word = "".join(re.findall(r"[A-Z0-9]+", plain))
    return word if word in KEYWORDS else None


def _number_zone(number: str) -> str:
    """The time zone of a number's country when it has one zone (the quiet hours are kept in it)."""
    try:
        zones = number_zones.time_zones_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return ""
    if len(zones) != 1:
        return ""
    try:
        ZoneInfo(zones[0])
    except (ValueError, KeyError, OSError):
        return ""
    return zones[0]


@transaction.atomic
def stop(*, channel: str, number: str, word: str, message_id: str | None) -> None:
    """Withdraw the channel's consent of the people with ``number``, stop the number and queue one
    confirmation (the same inbound message, delivered twice, is confirmed once)."""
    people = list(people_with_number(number, channel).select_related("window__country"))
    consent = CHANNEL_CONSENT[channel]
    for person in people:
        if has_consent(person, consent):
            case_services.withdraw_consent(person=person, kind=consent, by=None)
    cancelled = stoplist.stop(channel, number)
    case_services.record_audit(
        user=None,
        action=AuditEntry.Action.CHANGE,
        object_type="notifications.stopentry",
        details={"stop_by_message": channel, "people": [p.pk for p in people], "messages_cancelled": cancelled},
    )
    language = KEYWORDS.get(word) or settings.STATUSCHECK_SMS_LANGUAGE
    time_zone = _number_zone(number)
    if people:
        language = people[0].preferred_language or language
        time_zone = people[0].window.country.time_zone
    enqueue(
        kind=stoplist.CONFIRMATION_KIND,
        channel=channel,
        recipient=number,
        language=language,
        template="statuscheck/messages/stopped",
        context={"whatsapp": channel == "whatsapp"},
        time_zone=time_zone,
        key=f"optout:{channel}:{recipient_digest(number)}:{message_id or word}",
    )
