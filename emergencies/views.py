"""The public side of crisis mode: the emergency's page, its CAP messages and the country's Atom index.

The page stands alone (its CSS inline, its QR code an inline SVG) so that it stays readable once saved
on a phone and prints on one page; docs/crisis.md says why.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import segno
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from pagecache import country_tags, public_page
from ventanillas.models import Country

from . import cap, selectors
from .models import Bulletin, Emergency, PointState

CSS = (Path(__file__).parent / "page.css").read_text()
# The page's only style is inline: allowed by its hash, which (unlike a nonce) holds for every cached copy.
CSS_SOURCE = "'sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode() + "'"
STATE_ORDER = {PointState.OPEN: 0, PointState.FULL: 1, PointState.CLOSED: 2}
FEED_LENGTH = 50


def _country(code: str) -> Country:
    return get_object_or_404(Country, code=code.upper())


def _tags(country: str, **kwargs) -> list[str]:
    return country_tags(country, "emergency")


def qr_svg(url: str) -> str:
    """The page's address as a QR code, an SVG written into the page (no file to fetch, prints sharp)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, title=url)


@require_safe
@csp_update({"style-src": [CSS_SOURCE]})
@public_page(_tags)
def page(request: HttpRequest, country: str, pk: int) -> HttpResponse:
    emergency = selectors.public_emergency_or_none(_country(country), pk)
    if emergency is None:
        raise Http404
    language = get_language()
    zone = emergency.country.zoneinfo
    points = sorted(emergency.points.all(), key=lambda point: (STATE_ORDER.get(point.state, 3), point.kind, point.name))
    url = request.build_absolute_uri(emergency.get_absolute_url())
    context = {
        "emergency": emergency,
        "country": emergency.country,
        "shown": selectors.shown_text(emergency, language),
        "starts_at": timezone.localtime(emergency.starts_at, zone),
        "expected_end_at": emergency.expected_end_at and timezone.localtime(emergency.expected_end_at, zone),
        "ended_at": emergency.ended_at and timezone.localtime(emergency.ended_at, zone),
        "points": points,
        "languages": [
            (code, translate_url(emergency.get_absolute_url(), code))
            for code in emergency.country.public_languages
            if code != language
        ],
        "css": mark_safe(CSS),  # noqa: S308  # nosec B308 B703 - the file of this app, not anyone's input
        "qr": mark_safe(qr_svg(url)),  # noqa: S308  # nosec B308 B703 - segno's SVG of our own address
        "url": url,
        "zone_city": emergency.country.time_zone_city(),
        "portal_name": settings.PORTAL_NAME,
    }
    return render(request, "emergencies/page.html", context)


def _page_url(request: HttpRequest, emergency: Emergency):
    def url(language: str) -> str:
        with translation.override(language):
            return request.build_absolute_uri(emergency.get_absolute_url())

    return url


@require_safe
@public_page(_tags)
def cap_alert(request: HttpRequest, country: str, pk: int, number: int) -> HttpResponse:
    bulletin = get_object_or_404(
        Bulletin.objects.select_related("emergency__country"),
        emergency__country__code=country.upper(),
        emergency_id=pk,
        number=number,
    )
    body = cap.alert_xml(
        bulletin,
        sender=request.get_host(),
        sender_name=settings.PORTAL_NAME,
        page_url=_page_url(request, bulletin.emergency),
    )
    return HttpResponse(body, content_type=f"{cap.CONTENT_TYPE}; charset=utf-8")


@require_safe
@public_page(_tags)
def feed(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = _country(country)
    bulletins = list(
        Bulletin.objects.filter(emergency__country=country_obj).select_related("emergency__country")[:FEED_LENGTH]
    )
    body = cap.atom_index(
        bulletins,
        title=gettext("Emergency alerts: %(country)s") % {"country": country_obj.name},
        link=request.build_absolute_uri(reverse("hub:country", kwargs={"country": country_obj.slug})),
        feed_url=request.build_absolute_uri(),
        language=get_language(),
        alert_url=lambda row: request.build_absolute_uri(
            reverse(
                "emergencies:cap", kwargs={"country": country_obj.slug, "pk": row.emergency_id, "number": row.number}
            )
        ),
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
