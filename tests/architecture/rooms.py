"""The rooms of the code and the imports between them, read from the source (the architecture test and the
diagram in docs/architecture.md both come from here)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIBRARY = ["helpers"]
PROTECTION = ["privacy", "accounts", "pagecache"]
DOMAIN = [
    "ventanillas",
    "cases",
    "training",
    "hub",
    "notifications",
    "statuscheck",
    "handovers",
    "emergencies",
    "dashboards",
    "registers",
]
# Sends the published figures out (DHIS2): reads the domain, and no domain room reads it.
OUTWARD = ["interop"]
SHELL = ["portal"]
BENCH = ["bench"]
ROOMS = LIBRARY + PROTECTION + DOMAIN + OUTWARD + SHELL + BENCH

# What each room may import, besides itself: imports point one way, from the shell down to the library.
ALLOWED = {
    "helpers": set(),
    "privacy": {"helpers"},
    "pagecache": {"helpers"},
    "accounts": {"helpers", "privacy", "ventanillas"},
    **{app: {"helpers", "privacy", "accounts", "pagecache", *DOMAIN} - {app} for app in DOMAIN},
    "interop": {"helpers", "privacy", "accounts", "pagecache", *DOMAIN},
    "portal": set(ROOMS) - {"portal"},
    "bench": set(ROOMS) - {"bench"},
}


def imports() -> dict[str, dict[str, list[str]]]:
    """{room: {imported room: [files]}} over every module of the room, migrations included."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in ROOMS and top != room:
                        found[room][top].append(str(path.relative_to(ROOT)))
    return found


def diagram() -> str:
    """The rooms and their arrows as a Mermaid graph, as docs/architecture.md shows it."""
    lines = ["```mermaid", "graph TD"]
    for room, targets in sorted(imports().items()):
        lines += [f"  {room} --> {target}" for target in sorted(targets)]
    lines.append("```")
    return "\n".join(lines)


def cycle() -> list[str]:
    """A circle of rooms importing each other, or [] when imports point one way."""
    graph = {room: set(targets) for room, targets in imports().items()}
    state: dict[str, int] = {}

    def visit(room: str, path: list[str]) -> list[str]:
        state[room] = 1
        for target in sorted(graph.get(room, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target] if target in path else [room, target]
            if target not in state:
                found = visit(target, [*path, target])
                if found:
                    return found
        state[room] = 2
        return []

    for room in ROOMS:
        if room not in state:
            found = visit(room, [room])
            if found:
                return found
    return []
