"""Background work of crisis mode: thin tasks that call the services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def queue_broadcast(broadcast_id: int) -> int:
    # Run twice (a worker lost mid-way), it queues only those not yet queued: each message's key is unique.
    return services.queue_broadcast(broadcast_id)
