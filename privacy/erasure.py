"""The erasure's door for every app: an app that keeps a copy of a person, or sent one elsewhere, registers a
step (``register("handovers", function)``, in its ``ready()``); ``cases.services.erase_person`` runs every
step inside its transaction, after blanking its own records, without importing the app.

A step is ``function(person, by) -> list[str]``: what it did, as translated sentences the erasing
administrator is shown (for example, that another country was asked to erase too, and by when).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_steps: dict[str, Callable[[Any, Any], list[str]]] = {}


def register(name: str, step: Callable[[Any, Any], list[str]]) -> None:
    _steps[name] = step


def run_registered(person: Any, by: Any) -> list[str]:
    notes: list[str] = []
    for step in _steps.values():
        notes += step(person, by)
    return notes
