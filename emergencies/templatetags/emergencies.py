"""The emergency banner, first on every public page of an affected country (base.html)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

import pagecache
from ventanillas.models import Country

from ..selectors import banner

register = template.Library()


@register.inclusion_tag("emergencies/_banner.html", takes_context=True)
def emergency_banner(context: template.Context) -> dict[str, object]:
    country = context.get("country")
    if not isinstance(country, Country):
        return {"shown": []}
    request = context.get("request")
    shown, next_start = banner(country, get_language(), request=request)
    if request is not None:
        # A declared emergency that starts later puts its banner up by the clock; a change ends the copy at once
        # (every page of the country carries the tag "alerts:<code>").
        pagecache.valid_until(request, next_start)
    return {"shown": shown, "country": country}
