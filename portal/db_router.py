"""Reads of public pages and dashboards from a read replica, when one is configured (``DATABASE_REPLICA_URL``).

``ReadReplicaMiddleware`` marks a GET or HEAD by an anonymous reader, or any GET or HEAD of the dashboards and
their API, as one that may read from the replica; ``ReplicaRouter`` then sends its reads there. Every write,
every read inside a transaction on the primary (locks, read-after-write) and every other request use the
primary. Off by default: without the setting neither is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The depth of transactions on the primary when the request began, for a request that may read the replica.
_may_read_replica: ContextVar[int | None] = ContextVar("may_read_replica", default=None)


def reads_replica(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated or "/staff/dashboards/" in request.path


class ReadReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        depth = len(connections["default"].atomic_blocks) if reads_replica(request) else None
        token = _may_read_replica.set(depth)
        try:
            return self.get_response(request)
        finally:
            _may_read_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        depth = _may_read_replica.get()
        if depth is not None and len(connections["default"].atomic_blocks) == depth:
            return REPLICA  # not inside a transaction the request opened on the primary
        return "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
