"""The keyed digest of a recipient that enters a message's unique key (so the key reveals no address)."""

from __future__ import annotations

from django.conf import settings

from portal import crypto


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
