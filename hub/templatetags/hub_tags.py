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

# Parts of pages this process has rendered, by the key their view gave them (the ``kept`` tag). A key names
# every input of its part, so a part is only ever reused for the same inputs; emptied when full.
_KEPT: dict[tuple, SafeString] = {}
KEPT_PARTS = 2000


class KeptNode(template.Node):
    def __init__(self, key: template.base.FilterExpression, nodelist: template.NodeList) -> None:
        self.key = key
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        part = _KEPT.get(key)
        if part is None:
            part = self.nodelist.render(context)
            if len(_KEPT) >= KEPT_PARTS:
                _KEPT.clear()
            _KEPT[key] = part
        return part


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """``{% kept key %}...{% endkept %}``: the part rendered once per process for each ``key`` (a tuple of
    everything the part shows, built by the view; no key, rendered every time)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("kept takes one argument: the part's key")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), nodelist)


@register.inclusion_tag("hub/_alerts.html", takes_context=True)
def country_alerts(context: template.Context) -> dict[str, object]:
    """The active alerts of the page's country (``country`` in the context), for the banner of base.html."""
    country = context.get("country")
    if not isinstance(country, Country):
        return {"alerts": []}
    request = context.get("request")
    alerts, next_change = alerts_and_next_change(country, get_language(), request=request)
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
