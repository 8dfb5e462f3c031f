"""axe-core on every page kind, public ones in every language, at 360 px and 1280 px; no page wider than a phone.

Serious and critical violations fail. The audited pages are those of `pages.py` (one of each kind, demo data).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PHONE
from .pages import LANGS, PUBLIC_KINDS, STAFF_KINDS, public_kinds, staff_kinds

AXE = Axe()
FAILING = {"serious", "critical"}
# How far the page is wider than the screen (the measure of the audit tool: a phone would scroll sideways).
OVERFLOW = (
    "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth"
)


def violations(page) -> list[str]:
    found = []
    for violation in AXE.run(page).response["violations"]:
        if violation["impact"] in FAILING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.fixture(scope="module")
def open_page(new_context, staff_state):
    """One browser page per (viewport, user), reused across the module: ``open_page(PHONE, "staff-cr")``."""
    pages = {}

    def get(viewport, user=None):
        key = (viewport["width"], user)
        if key not in pages:
            extra = {"storage_state": staff_state(user)} if user else {}
            pages[key] = new_context(viewport, **extra).new_page()
        return pages[key]

    return get


def audit(open_page, path: str, user: str | None = None) -> list[str]:
    problems = []
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport, user)
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        label = f"{viewport['width']}px"
        problems += [f"{label} {found}" for found in violations(page)]
        if viewport is PHONE and (wider := page.evaluate(OVERFLOW)) > 0:
            problems.append(f"{label}: the page is {wider} px wider than the screen")
    return problems


PUBLIC = [(lang, kind) for lang in LANGS for kind in PUBLIC_KINDS]


@pytest.mark.parametrize(("lang", "kind"), PUBLIC, ids=[f"{lang}-{kind}" for lang, kind in PUBLIC])
def test_public_page_has_no_serious_fault(open_page, demo, lang, kind):
    assert audit(open_page, public_kinds(demo, lang)[kind]) == []


@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_staff_page_has_no_serious_fault(open_page, demo, kind):
    user, path = staff_kinds(demo)[kind]
    assert audit(open_page, path, user) == []
