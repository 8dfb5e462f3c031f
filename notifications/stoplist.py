"""The stop list: numbers that asked, by a keyword or through the gateway, not to be written to on SMS or
WhatsApp. The dispatcher asks it before sending; only the confirmation of the stop itself passes."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .keys import recipient_hash, recipient_hashes
from .masking import forget_secrets
from .models import Channel, Message, StopEntry

logger = logging.getLogger(__name__)

# The kind of the one message a stopped number still gets: the confirmation that it was stopped.
CONFIRMATION_KIND = "optout.confirmation"
STOPPABLE = (Channel.SMS, Channel.WHATSAPP)


def is_stopped(channel: str, address: str) -> bool:
    if channel not in STOPPABLE or not address:
        return False
    return StopEntry.objects.filter(channel=channel, address_hash__in=recipient_hashes([address])).exists()


def blocks(message: Message) -> bool:
    """Whether the stop list forbids sending this message now."""
    return message.kind != CONFIRMATION_KIND and is_stopped(message.channel, message.recipient)


def stop(channel: str, address: str, *, reason: str = "the number asked to stop") -> int:
    """Put ``address`` on the stop list of ``channel`` and cancel what is scheduled to it there (except a
    confirmation); returns how many messages were cancelled. Running it twice changes nothing more."""
    if channel not in STOPPABLE or not address:
        return 0
    hashes = recipient_hashes([address])
    if not StopEntry.objects.filter(channel=channel, address_hash__in=hashes).exists():
        try:
            with transaction.atomic():
                StopEntry.objects.create(channel=channel, address=address.strip(), address_hash=recipient_hash(address))
        except IntegrityError:
            pass  # the same number stopped at the same moment by another request
    count = (
        Message.objects.filter(channel=channel, recipient_hash__in=hashes, status=Message.Status.SCHEDULED)
        .exclude(kind=CONFIRMATION_KIND)
        .update(status=Message.Status.CANCELLED, last_error=reason, updated_at=timezone.now())
    )
    forget_secrets()
    logger.info("number stopped channel=%s messages_cancelled=%s", channel, count)
    return count


def lift(channel: str, address: str) -> int:
    """Take ``address`` off the stop list of ``channel`` (consent given again at the window)."""
    if channel not in STOPPABLE or not address:
        return 0
    deleted, _rows = StopEntry.objects.filter(channel=channel, address_hash__in=recipient_hashes([address])).delete()
    return deleted


def rehash_entry(entry: StopEntry) -> dict[str, str]:
    """The entry's hash under the current key (``rotate_field_keys``)."""
    current = recipient_hash(entry.address or "")
    return {"address_hash": current} if current and current != entry.address_hash else {}
