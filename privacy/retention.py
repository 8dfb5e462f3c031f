"""The daily retention run's door for every app: an app whose records hold personal data registers a step
(``register("training_participants", function)``, in its ``ready()``), and the one scheduled run
(``cases.anonymise_expired_cases`` → ``cases.services.run_retention``) calls every step after its own and
reports each step's count under its name. Apps other than cases thus join the run without cases importing them.

A step is ``function(now) -> int``: what it anonymised or purged, safe to run again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_steps: dict[str, Callable[[datetime], int]] = {}


def register(name: str, step: Callable[[datetime], int]) -> None:
    _steps[name] = step


def run_registered(now: datetime) -> dict[str, int]:
    """Every registered step, in the order of registration: {name: count}."""
    return {name: step(now) for name, step in _steps.items()}
