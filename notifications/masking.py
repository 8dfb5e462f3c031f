"""Secrets in the outbox (a PIN on a status-check slip): masked in the stored context once the message is
sent, failed or cancelled, so that none stays at rest after it served."""

from __future__ import annotations

from .context import masked_text
from .models import Message

Status = Message.Status

DONE = (Status.SENT, Status.FAILED, Status.CANCELLED)


def forget_secrets(message_id: int | None = None) -> int:
    """Mask the secrets (a PIN) of the messages sent, failed or cancelled that still hold them; returns how
    many. The dispatcher runs it after each message and on every run, the cancelling services after they
    cancel, so that no PIN stays at rest once its message is done."""
    rows = Message.objects.filter(secrets_held=True, status__in=DONE)
    if message_id is not None:
        rows = rows.filter(pk=message_id)
    count = 0
    for pk, context in rows.values_list("pk", "context"):
        count += Message.objects.filter(pk=pk, secrets_held=True, status__in=DONE).update(
            context=masked_text(context), secrets_held=False
        )
    return count
