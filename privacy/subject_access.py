"""The subject-access export's door for every app: an app that holds records about a person of the cases app
registers a section (``register("handovers", function)``, in its ``ready()``), and
``cases.services.export_person_data`` adds every section, so that the export is whole without cases
importing the app.

A section is ``function(person) -> JSON-ready data`` (a list or a dict), reading only what is about the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_sections: dict[str, Callable[[Any], Any]] = {}


def register(name: str, section: Callable[[Any], Any]) -> None:
    _sections[name] = section


def collect(person: Any) -> dict[str, Any]:
    """Every registered section for the person: {name: data}."""
    return {name: section(person) for name, section in _sections.items()}
