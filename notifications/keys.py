"""The keyed digest of a recipient that enters a message's unique key (so the key reveals no address)."""

from __future__ import annotations

from django.conf import settings

from privacy import crypto


def recipient_digest(recipient: str, *, key: str | None = None) -> str:
    return crypto.keyed_hash(recipient.strip().lower(), key=key)[:16]


def rehash_key(message) -> dict[str, str]:
    """The message's unique key with its recipient digest recomputed under the current hash key: after a
    rotation, queueing the same message again still finds the row. Keys without a digest stay as they are."""
    recipient = message.recipient or ""
    if not recipient:
        return {}
    current = recipient_digest(recipient)
    old_keys = [*crypto.hash_keys()[1:], getattr(settings, "LEGACY_SEARCH_HASH_KEY", "")]
    key = message.key
    for old in filter(None, old_keys):
        digest = recipient_digest(recipient, key=old)
        if digest != current and digest in key:
            key = key.replace(digest, current)
    return {"key": key} if key != message.key else {}


def normalise_recipient(recipient: str) -> str:
    return (recipient or "").strip().lower()


def recipient_hash(recipient: str, *, key: str | None = None) -> str:
    """Keyed hash of the whole (normalised) address, stored beside the encrypted recipient: erasure and the
    subject-access export find by it the messages sent to a person's address that name no person (rows
    queued before ``addressee`` existed, answers to a number that wrote in)."""
    recipient = normalise_recipient(recipient)
    return crypto.keyed_hash(f"recipient:{recipient}", key=key) if recipient else ""


def recipient_hashes(addresses) -> list[str]:
    """The hashes of ``addresses`` under every configured hash key (rows not yet re-hashed are found too)."""
    return [recipient_hash(a, key=key) for a in addresses if normalise_recipient(a) for key in crypto.hash_keys()]


def rehash_message(message) -> dict[str, str]:
    """Everything keyed in a message, recomputed under the current hash key (``rotate_field_keys``)."""
    update = rehash_key(message)
    current = recipient_hash(message.recipient or "")
    if current != message.recipient_hash:
        update["recipient_hash"] = current
    return update
