from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def demo_data_loaded() -> bool:
    """Whether the demo's sample content is in the database: its guides, pathways and the invented cases and
    figures that come with them. Every page says so while it is (the banner of base.html)."""
    from helpers import samples

    return samples.any_loaded()


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: only pages that render the banner (those extending base.html) ask the database, and not even
    # those whose view already knew the answer (``request.demo_data``, read with the page's own rows).
    def demo_data() -> bool:
        known = getattr(request, "demo_data", None)
        return demo_data_loaded() if known is None else known

    return {"portal_name": settings.PORTAL_NAME, "demo_data": SimpleLazyObject(demo_data)}
