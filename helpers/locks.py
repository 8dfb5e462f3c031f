"""Locks that hold across processes and machines: PostgreSQL advisory locks.

A key in the cache is not a lock: the memory cache is private to each process, and a Redis key is lost
with Redis. Jobs that must never run side by side (the roll-up writers, report building, the scheduled
jobs) take ``exclusive(name)``, a session-level advisory lock on the database they write to: held until
released or until the connection ends (a killed worker frees it at once).

On SQLite (development and the quick tests) one process serialises writers anyway; a re-entrant lock per
name keeps the threads of that process apart.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

_local_locks: dict[str, threading.RLock] = {}
_guard = threading.Lock()


def lock_id(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name: str, *, wait: bool = True, using: str = "default") -> Iterator[bool]:
    """Hold the lock ``name`` for the block. With ``wait=False`` yields False at once when another holder
    has it (the caller skips its run); with ``wait=True`` waits for it and yields True."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with _guard:
            lock = _local_locks.setdefault(name, threading.RLock())
        acquired = lock.acquire(blocking=wait)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
        return
    key = lock_id(name)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            acquired = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
