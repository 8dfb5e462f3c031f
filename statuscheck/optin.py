"""A keyword texted to the programme's SMS or WhatsApp number ("ALERTE", "ALÈT", "ALERTA", "ALERT", "ALARM")
gives the consent to emergency messages, on that channel, for the people whose number it is and who already
agreed at a window to be written to on that channel. The answer is the same whether or not the number names
anybody, so that it tells nothing about who is registered. Why this is safe: docs/crisis.md."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import transaction

from cases import services as case_services
from cases.models import AuditEntry, ConsentKind
from cases.rules import contact_channels, has_consent, people_with_number
from notifications.keys import recipient_digest
from notifications.services import enqueue

# The keywords, without accents, with the language each one tells.
KEYWORDS: dict[str, str] = {"ALERT": "en", "ALERTA": "es", "ALERTE": "fr", "ALET": "ht", "ALARM": "nl"}

ANSWER_KIND = "statuscheck.emergency_optin"


def keyword(body: str) -> str | None:
    """The emergency keyword a message consists of ("Alèt", " alerte! "), or None."""
    decomposed = unicodedata.normalize("NFKD", body or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    word = "".join(re.findall(r"[A-Z0-9]+", plain))
    return word if word in KEYWORDS else None


@transaction.atomic
def opt_in(*, channel: str, number: str, word: str, message_id: str | None) -> int:
    """Record the emergency consent of each person with ``number`` who may be written to on ``channel``
    (consent to that channel in force, not stopped, not erased); queue one answer. Returns how many consents
    were recorded (never shown to the sender)."""
    language = KEYWORDS[word]
    given = 0
    people = list(people_with_number(number, channel))
    for person in people:
        if channel in contact_channels(person) and not has_consent(person, ConsentKind.EMERGENCY):
            case_services.record_consent(
                person=person, kinds=[ConsentKind.EMERGENCY], notice_language=language, by=None
            )
            given += 1
    case_services.record_audit(
        user=None,
        action=AuditEntry.Action.CHANGE,
        object_type="cases.consent",
        details={"emergency_by_message": channel, "people": [p.pk for p in people], "given": given},
    )
    enqueue(
        kind=ANSWER_KIND,
        channel=channel,
        recipient=number,
        language=language if language in dict(settings.LANGUAGES) else settings.STATUSCHECK_SMS_LANGUAGE,
        template="statuscheck/messages/emergency_optin",
        context={},
        key=f"optin:{channel}:{recipient_digest(number)}:{message_id or word}",
    )
    return given
