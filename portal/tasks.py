"""Tasks of the shell: the worker probe's no-op and the nightly backup."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="portal.ping", soft_time_limit=10, time_limit=20)
def ping(nonce: str) -> dict[str, str]:
    """Answer a health probe: proves that a worker takes tasks from the broker and returns results.

    Used by the health page and by operators after a deploy; it touches no data, so running it twice
    does no harm.
    """
    return {"nonce": nonce, "worker": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(name="portal.backup", soft_time_limit=3 * 60 * 60, time_limit=3 * 60 * 60 + 60)
def backup() -> str:
    """The nightly encrypted backup (portal.backup); returns the database file's name."""
    from .backup import backup as write_backup

    db_file, _media_file = write_backup()
    return db_file.name
