"""Background work of crisis mode: thin tasks that call the services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def queue_broadcast(broadcast_id: int) -> int:
    # Run twice (a worker lost mid-way), it queues only those not yet queued: each message's key is unique.
    return services.queue_broadcast(broadcast_id)


@shared_task(acks_late=True)
def end_consents(emergency_id: int, by_id: int | None = None) -> int:
    # Run twice, it withdraws nothing more: only consents still in force are withdrawn.
    from django.contrib.auth import get_user_model

    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return services.end_consents(emergency_id, by=by)
