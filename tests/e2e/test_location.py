"""“Use my location” on a windows page, in Chromium with the geolocation permission granted and a position
given: the portal's own Permissions-Policy lets the page ask, and the windows come nearest first."""

from __future__ import annotations

import math
import re

from .conftest import PHONE

GEO = re.compile(r"^geo:(-?[\d.]+),(-?[\d.]+)")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    rad = math.pi / 180
    h = (
        math.sin((b[0] - a[0]) * rad / 2) ** 2
        + math.cos(a[0] * rad) * math.cos(b[0] * rad) * math.sin((b[1] - a[1]) * rad / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


def _cards(page) -> list[tuple[str, tuple[float, float]]]:
    """(id, position) of each window card, in the order the page shows them."""
    found = []
    for card in page.locator("#window-cards section.window-card").all():
        match = GEO.match(card.get_attribute("data-geo") or "")
        assert match, "each demo window has its position"
        found.append((card.get_attribute("id"), (float(match[1]), float(match[2]))))
    return found


def test_use_my_location_puts_the_nearest_window_first(new_context, live_url):
    # Where the reader stands is learnt from the page itself: a little off the window the page lists last.
    page = new_context(PHONE).new_page()
    response = page.goto("/es/do/windows/")
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    before = _cards(page)
    assert len(before) >= 2, "a country with several windows"
    last_id, (lat, lon) = before[-1]
    here = (lat + 0.02, lon - 0.02)
    page.context.close()

    context = new_context(PHONE, geolocation={"latitude": here[0], "longitude": here[1]}, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/es/do/windows/")
    button = page.locator("#locate")
    assert button.is_visible(), "the button shows where the browser can locate"
    button.click()
    page.wait_for_function("document.getElementById('locate-status').textContent.length > 0")
    assert page.inner_text("#locate-status") == button.get_attribute("data-done")
    after = _cards(page)
    assert after[0][0] == last_id, "the window next to the reader comes first"
    distances = [_km(here, position) for _id, position in after]
    assert distances == sorted(distances), "then the others, nearest first"
    assert sorted(after) == sorted(before), "no window is lost"
