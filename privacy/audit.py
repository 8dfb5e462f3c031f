"""The disclosure log's door for every app: ``record(...)`` writes one audit row through the writer the
cases app registers (its ``AuditEntry``, the one audit log), so that training, notifications and the
portal's middleware log downloads and refused accesses without importing cases.

``details`` hold codes, counts and keyed hashes, never personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

_writer: Callable[..., Any] | None = None

DOWNLOAD = "download"
EXPORT = "export"
ERASE = "erase"
ANONYMISE = "anonymise"
REFUSED = "refused"
SEARCH = "search"


def register_writer(writer: Callable[..., Any]) -> None:
    global _writer
    _writer = writer


def record(*, user: Any, action: str, object_type: str, object_id: str | int = "", details: dict | None = None) -> None:
    """One audit row: who did ``action`` (download, export, refused, search, erase,
    anonymise) to which record."""
    if _writer is None:
        logger.error("no audit writer registered: %s %s %s not logged", action, object_type, object_id)
        return
    _writer(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )
