"""The house keeps its plan: each room imports only what docs/architecture.md allows it, no two rooms import
each other, and the diagram in the doc is the one the code draws."""

from __future__ import annotations

from .rooms import ALLOWED, ROOMS, ROOT, cycle, diagram, imports


def test_each_room_imports_only_what_it_may():
    broken = [
        f"{room} imports {target} ({files[0]})"
        for room, targets in imports().items()
        for target, files in targets.items()
        if target not in ALLOWED[room]
    ]
    assert not broken, broken


def test_imports_point_one_way():
    assert cycle() == []


def test_the_library_imports_no_room_and_the_shell_is_imported_by_none():
    found = imports()
    assert "helpers" not in found
    assert not [room for room in ROOMS if "portal" in found.get(room, {})]


def test_the_architecture_doc_draws_the_rooms_as_the_code_has_them():
    doc = (ROOT / "docs/architecture.md").read_text()
    assert diagram() in doc, "docs/architecture.md's diagram is out of date; it should read:\n" + diagram()
