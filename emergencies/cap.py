"""CAP 1.2 (OASIS Common Alerting Protocol): each bulletin as an alert message, and an Atom index of a
country's bulletins per language, so that national alert hubs, radio and other apps can take them.

The schema the messages are checked against is ``schemas/CAP-v1.2.xsd`` (tests/emergencies/test_cap.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.feedgenerator import Atom1Feed

from .models import Bulletin, Kind

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CONTENT_TYPE = "application/cap+xml"
CATEGORY = {
    Kind.HURRICANE: "Met",
    Kind.FLOOD: "Met",  # CAP 1.2: "Met - Meteorological (inc. flood)"
    Kind.EARTHQUAKE: "Geo",
    Kind.ARRIVALS: "Safety",
    Kind.OTHER: "Other",
}


def cap_time(value: str | None, zone: str) -> str | None:
    """CAP's dateTime: seconds and a numeric offset, never "Z" nor fractions ("2026-10-02T14:00:00-04:00")."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()


def identifier(bulletin: Bulletin) -> str:
    return f"ventanillas-{bulletin.emergency.country.code}-{bulletin.emergency_id}-{bulletin.number}"


def _reference(bulletin: Bulletin, sender: str) -> str:
    return f"{sender},{identifier(bulletin)},{cap_time(bulletin.sent_at.isoformat(), bulletin.snapshot['time_zone'])}"


def alert_xml(bulletin: Bulletin, *, sender: str, sender_name: str, page_url: Callable[[str], str]) -> bytes:
    """The bulletin as a CAP 1.2 alert: one ``info`` per language the emergency was written or translated in.

    ``sender`` names the portal (its host); ``page_url(language)`` is the emergency's page in that language.
    """
    data = bulletin.snapshot
    zone = data["time_zone"]
    ET.register_namespace("", NAMESPACE)

    def add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
        if text is not None:
            element.text = text
        return element

    alert = ET.Element(f"{{{NAMESPACE}}}alert")
    add(alert, "identifier", identifier(bulletin))
    add(alert, "sender", sender)
    add(alert, "sent", cap_time(bulletin.sent_at.isoformat(), zone))
    add(alert, "status", "Actual")
    add(alert, "msgType", bulletin.message_type)
    add(alert, "scope", "Public")
    if bulletin.message_type != Bulletin.MessageType.ALERT:
        earlier = bulletin.emergency.bulletins.filter(number__lt=bulletin.number).order_by("number")
        add(alert, "references", " ".join(_reference(row, sender) for row in earlier))
    ended = bulletin.message_type == Bulletin.MessageType.CANCEL
    for language, text in data["texts"].items():
        with translation.override(language):
            info = add(alert, "info")
            add(info, "language", language)
            add(info, "category", CATEGORY.get(data["kind"], "Other"))
            add(info, "event", str(Kind(data["kind"]).label))
            add(info, "urgency", "Past" if ended else "Immediate")
            add(info, "severity", data["severity"])
            add(info, "certainty", "Observed")
            add(info, "effective", cap_time(data["starts_at"], zone))
            expires = data["ended_at"] if ended else data["expected_end_at"]
            if expires:
                add(info, "expires", cap_time(expires, zone))
            add(info, "senderName", sender_name)
            add(info, "headline", text["title"][:160])
            add(info, "instruction", text["instructions"])
            add(info, "web", page_url(language))
            if data["hotlines"].strip():
                add(info, "contact", "; ".join(line.strip() for line in data["hotlines"].splitlines() if line.strip()))
            area = add(info, "area")
            add(area, "areaDesc", ", ".join(data["regions"]) or data["country_name"])
            geocode = add(area, "geocode")
            add(geocode, "valueName", "ISO3166-1")
            add(geocode, "value", data["country"])
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True)


def atom_index(
    bulletins: list[Bulletin],
    *,
    title: str,
    link: str,
    feed_url: str,
    language: str,
    alert_url: Callable[[Bulletin], str],
) -> bytes:
    """An Atom feed whose entries point at the CAP messages (``application/cap+xml``), newest first."""
    feed = Atom1Feed(title=title, link=link, description="", feed_url=feed_url, language=language, feed_guid=feed_url)
    for bulletin in bulletins:
        texts = bulletin.snapshot["texts"]
        text = texts.get(language) or texts.get(bulletin.snapshot["source_language"]) or next(iter(texts.values()))
        feed.add_item(
            title=text["title"],
            link=alert_url(bulletin),
            description=text["instructions"][:300],
            unique_id=f"urn:ventanillas:cap:{identifier(bulletin)}",
            updateddate=bulletin.sent_at,
            pubdate=bulletin.sent_at,
            enclosures=[],
            categories=[bulletin.message_type],
        )
    return feed.writeString("utf-8").encode()
