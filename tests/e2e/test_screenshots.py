"""The README's three screenshots: a guide on a phone, the intake form, a dashboard.

`make screenshots` writes them to docs/screenshots/ (E2E_SCREENSHOTS); in CI they go to the artifacts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, DESKTOP, PHONE

OUT = Path(os.environ.get("E2E_SCREENSHOTS") or ARTIFACTS / "readme")
SHOTS = {
    "guide-on-a-phone": (PHONE, None, "/ht/do/guides/{guide_do}/"),
    "intake-form": (DESKTOP, "staff-cr", "/es/staff/cases/consultations/new/"),
    "dashboard": (DESKTOP, "officer-cr", "/es/staff/dashboards/cr/"),
}


@pytest.mark.parametrize("name", SHOTS)
def test_readme_screenshot(new_context, staff_state, demo, name):
    viewport, user, path = SHOTS[name]
    extra = {"storage_state": staff_state(user)} if user else {}
    page = new_context(viewport, **extra).new_page()
    response = page.goto(path.format(**demo))
    assert response.status == 200
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 5_000, "a page was drawn"
