from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

import pagecache
from ventanillas.hours import next_midnight
from ventanillas.models import Country

from ..selectors import alerts_and_next_change

register = template.Library()


@register.inclusion_tag("hub/_alerts.html", takes_context=True)
def country_alerts(context: template.Context) -> dict[str, object]:
    """The active alerts of the page's country (``country`` in the context), for the banner of base.html."""
    country = context.get("country")
    if not isinstance(country, Country):
        return {"alerts": []}
    alerts, next_change = alerts_and_next_change(country, get_language())
    request = context.get("request")
    if request is not None:
        # A cached copy of the page ends when an alert starts or ends, and at the country's midnight
        # (dates such as "review due" and "today" change then).
        pagecache.valid_until(request, next_change)
        pagecache.valid_until(request, next_midnight(country))
    return {"alerts": alerts}


@register.filter
def paragraphs(text: str) -> SafeString:
    """Plain text to HTML: a blank line starts a paragraph, lines starting with "- " make a list."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        else:
            broken = format_html_join("", "{}<br>", ((line,) for line in lines[:-1]))
            html.append(format_html("<p>{}{}</p>", broken, lines[-1]))
    return format_html_join("\n", "{}", ((piece,) for piece in html))


@register.simple_tag
def whatsapp_url(title: str, url: str) -> str:
    return "https://wa.me/?text=" + quote(f"{title} {url}")


@register.simple_tag
def sms_url(title: str, url: str) -> str:
    return "sms:?&body=" + quote(f"{title} {url}")
