"""Whether the demo's sample content is loaded, which every page's banner says.

Each app that holds sample rows registers them when it starts (its ``AppConfig.ready``); a page that reads a
row anyway then reads the answer with it (``columns``), and the banner asks nothing more. This module knows
no app: the registry keeps imports pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, QuerySet

_SAMPLES: dict[str, Callable[[], QuerySet]] = {}


def register(name: str, rows: Callable[[], QuerySet]) -> None:
    """Name the sample rows of an app (a function returning them, called when a page asks)."""
    _SAMPLES[name] = rows


def columns() -> dict[str, Exists]:
    """One column per app, true when it holds sample rows: for ``annotate``, read with ``loaded``."""
    return {f"sample_{name}": Exists(rows()) for name, rows in _SAMPLES.items()}


def any_loaded() -> bool:
    """Whether any app holds sample rows, in one query for all of them (every page's banner may ask)."""
    found = [rows().order_by().values_list("pk") for rows in _SAMPLES.values()]
    if not found:
        return False
    first, *others = found
    return bool(list(first.union(*others)[:1]))


def loaded(row) -> bool:
    """Whether a row annotated with ``columns`` (a model instance or a dict) says sample content is loaded."""
    names = [f"sample_{name}" for name in _SAMPLES]
    if isinstance(row, dict):
        return any(row[name] for name in names)
    return any(getattr(row, name) for name in names)
