"""Claiming due messages and sending them: SMS and WhatsApp exactly once at the gateway (idempotency key), e-mail
at most once (stamped before the SMTP call, "stuck" rather than resent), consent asked at the moment of
sending. See docs/notifications.md."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta

from celery import shared_task
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import consent, stoplist
from .channels import PermanentError, Unsubscribed, send
from .masking import forget_secrets
from .models import Channel, Message
from .timing import due_for_channel, setting

logger = logging.getLogger(__name__)

Status = Message.Status

STUCK_NOTE = "the worker stopped during the SMTP call: check whether it arrived, then resend it or mark it sent"


def lease_seconds() -> int:
    return int(setting("NOTIFICATIONS_LEASE_SECONDS", 300))


def _claimable(now: datetime) -> Q:
    # Due, or claimed by a worker whose lease ran out (it died) - except an e-mail already handed to the
    # mail server: resending it could send it twice.
    expired = Q(status=Status.SENDING, lease_until__lt=now) & ~Q(channel=Channel.EMAIL, handed_at__isnull=False)
    return Q(status=Status.SCHEDULED, due_at__lte=now) | expired


def mark_stuck(now: datetime | None = None) -> int:
    """E-mails whose worker died during the SMTP call: "stuck", for an administrator to decide."""
    now = now or timezone.now()
    count = Message.objects.filter(
        status=Status.SENDING, channel=Channel.EMAIL, handed_at__isnull=False, lease_until__lt=now
    ).update(status=Status.STUCK, last_error=STUCK_NOTE, lease_until=None, updated_at=now)
    if count:
        logger.warning("notifications stuck count=%s (e-mail interrupted during the SMTP call)", count)
    return count


def claim_due(*, limit: int = 10, message_id: int | None = None) -> list[Message]:
    """Claim up to ``limit`` due messages for this worker and return them.

    The claim is a conditional UPDATE stamped with a fresh token: two workers racing for a row both run
    it, only one matches the WHERE again, and each reads back only the rows bearing its own token. On
    PostgreSQL the candidate rows are picked with SKIP LOCKED so that concurrent workers take different
    rows instead of queueing behind each other's locks.
    """
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = Message.objects.filter(_claimable(now))
        if message_id is not None:
            candidates = candidates.filter(pk=message_id)
        candidates = candidates.order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(_claimable(now), pk__in=ids).update(
            status=Status.SENDING,
            claim=token,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return list(Message.objects.filter(claim=token, status=Status.SENDING).order_by("due_at", "pk"))


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most six hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def max_attempts() -> int:
    return int(setting("NOTIFICATIONS_MAX_ATTEMPTS", 8))


def deliver(message: Message) -> str:
    """Send one claimed message and record the outcome; returns its new status.

    Preconditions: ``message`` was claimed by this worker (status "sending", ``claim`` set). Every
    update below is conditional on that claim: if the lease ran out and another worker took the row,
    this worker records nothing and leaves the outcome to that worker.
    """
    mine = Message.objects.filter(pk=message.pk, claim=message.claim, status=Status.SENDING)
    now = timezone.now
    if not consent.allows(message.addressee, message.channel, message.kind):
        mine.update(
            status=Status.CANCELLED, last_error="no consent for this channel", lease_until=None, updated_at=now()
        )
        logger.info("notification cancelled at sending (no consent) id=%s kind=%s", message.pk, message.kind)
        return Status.CANCELLED
    if stoplist.blocks(message):
        mine.update(status=Status.CANCELLED, last_error="the number asked to stop", lease_until=None, updated_at=now())
        logger.info("notification cancelled at sending (stop list) id=%s kind=%s", message.pk, message.kind)
        return Status.CANCELLED
    # The hand-over is stamped before the call; an e-mail is handed over once only (see the module's notes).
    hand = mine.filter(handed_at__isnull=True) if message.channel == Channel.EMAIL else mine
    if not hand.update(handed_at=now()):
        return Status.SENDING  # another worker took the row over meanwhile
    try:
        provider_id = send(message)
    except PermanentError as exc:
        if isinstance(exc, Unsubscribed):
            stoplist.stop(message.channel, message.recipient, reason="the gateway says the number asked to stop")
        mine.update(status=Status.FAILED, last_error=str(exc)[:2000], lease_until=None, updated_at=now())
        logger.warning("notification failed for good id=%s kind=%s error=%s", message.pk, message.kind, exc)
        return Status.FAILED
    except Exception as exc:  # transient: network, 429, 5xx, anything unexpected
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= max_attempts():
            mine.update(status=Status.FAILED, last_error=error, lease_until=None, updated_at=now())
            logger.warning("notification failed after %s attempts id=%s", message.attempts, message.pk)
            return Status.FAILED
        retry_at = due_for_channel(message.channel, now() + retry_delay(message.attempts), message.time_zone)
        mine.update(
            status=Status.SCHEDULED,
            due_at=retry_at,
            last_error=error,
            lease_until=None,
            handed_at=None,
            updated_at=now(),
        )
        logger.info("notification retry id=%s attempt=%s at=%s", message.pk, message.attempts, retry_at.isoformat())
        return Status.SCHEDULED
    mine.update(
        status=Status.SENT,
        sent_at=now(),
        provider_id=(provider_id or "")[:100],
        last_error="",
        lease_until=None,
        updated_at=now(),
    )
    logger.info("notification sent id=%s kind=%s channel=%s", message.pk, message.kind, message.channel)
    return Status.SENT


def dispatch_due(*, budget_seconds: float = 45.0, batch: int = 10, pace: bool = False) -> dict[str, int]:
    """Send due messages, batch after batch, until none is due or the time budget is spent.

    The budget stays under the task's soft time limit: the beat starts the next run a minute later.
    With ``pace`` (the beat's run), when nothing is due now but a message falls due within the budget, the
    dispatcher waits for it: messages spaced at a gateway's rate (an emergency broadcast) leave at that
    rate, not in one burst a minute; and no channel sends faster than its gateway's rate. Returns counts per
    resulting status.
    """
    deadline = timezone.now() + timedelta(seconds=budget_seconds)
    counts: dict[str, int] = {}
    rates = setting("EMERGENCY_BROADCAST_RATES", {}) if pace else {}
    last_sent: dict[str, float] = {}
    stuck = mark_stuck()
    if stuck:
        counts[Status.STUCK] = stuck
    forget_secrets()
    while timezone.now() < deadline:
        claimed = claim_due(limit=batch)
        if not claimed:
            upcoming = (
                Message.objects.filter(status=Status.SCHEDULED, due_at__lt=deadline)
                .order_by("due_at")
                .values_list("due_at", flat=True)
                .first()
            )
            if not pace or upcoming is None:
                break
            time.sleep(min(max((upcoming - timezone.now()).total_seconds(), 0.01), 1.0))
            continue
        for message in claimed:
            # Paced, each channel keeps its gateway's rate (EMERGENCY_BROADCAST_RATES, messages a second),
            # also when catching up on messages overdue after a pause or a lost worker.
            rate = float(rates.get(message.channel) or 0)
            if rate > 0 and message.channel in last_sent:
                time.sleep(max(last_sent[message.channel] + 1 / rate - time.monotonic(), 0))
            status = deliver(message)
            last_sent[message.channel] = time.monotonic()
            forget_secrets(message.pk)
            counts[status] = counts.get(status, 0) + 1
    return counts


def send_now(message_id: int) -> str | None:
    """Send one message if it is due and nobody else holds it; returns its new status, or None."""
    claimed = claim_due(limit=1, message_id=message_id)
    if not claimed:
        return None
    status = deliver(claimed[0])
    forget_secrets(message_id)
    return status


def resend_stuck(ids) -> int:
    """An administrator's decision: send these stuck e-mails again (they did not arrive)."""
    return Message.objects.filter(pk__in=ids, status=Status.STUCK).update(
        status=Status.SCHEDULED, handed_at=None, due_at=timezone.now(), last_error="", updated_at=timezone.now()
    )


def mark_stuck_sent(ids) -> int:
    """An administrator's decision: these stuck e-mails did arrive."""
    now = timezone.now()
    return Message.objects.filter(pk__in=ids, status=Status.STUCK).update(
        status=Status.SENT, sent_at=F("handed_at"), last_error="", updated_at=now
    )


@shared_task(
    name="notifications.send_message",
    soft_time_limit=30,
    time_limit=45,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    max_retries=2,
    retry_backoff=True,
)
def send_message(message_id: int) -> str | None:
    """Send one message at once if it is due and unclaimed (a nudge after queueing); else nothing."""
    return send_now(message_id)
