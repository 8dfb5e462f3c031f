"""Reads of emergencies for the public pages, the banner and the staff pages."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

import pagecache
from ventanillas.models import Country

from .models import Emergency, EmergencyText, ServicePoint


@dataclass(frozen=True)
class Shown:
    """The text a reader gets: in their language, or in the language it was written in until translated."""

    text: EmergencyText
    requested: str

    @property
    def language(self) -> str:
        return self.text.language

    @property
    def awaiting_translation(self) -> bool:
        return self.text.language != self.requested


def shown_text(emergency: Emergency, language: str) -> Shown:
    texts = {text.language: text for text in emergency.texts.all()}
    text = texts.get(language) or texts.get(emergency.source_language) or next(iter(texts.values()))
    return Shown(text=text, requested=language)


def awaiting_languages(emergency: Emergency) -> list[str]:
    """The country's public languages with no text yet, in the country's order."""
    written = {text.language for text in emergency.texts.all()}
    return [code for code in emergency.country.public_languages if code not in written]


def public_emergency_or_none(country: Country, pk: int) -> Emergency | None:
    return (
        Emergency.objects.filter(country=country, pk=pk, starts_at__lte=timezone.now())
        .select_related("country")
        .prefetch_related("texts", Prefetch("points", queryset=ServicePoint.objects.order_by("state", "kind", "name")))
        .first()
    )


BANNER_KEY = "emergencies:banner:"
# The banner's rows of each country as this process last read them, with the version of the tag
# "alerts:<code>" they were read under (every change of an emergency gives it a new one).
_KEPT: dict[int, tuple[str, list[dict]]] = {}


def _banner_rows(country: Country, request: HttpRequest | None = None) -> list[dict]:
    """The country's emergencies not ended, as plain values: read from the cache, else from the database.

    Every public page of a country renders the banner: kept in the cache (ended by ``forget_banner`` on any
    change), it costs a page no query of its own; kept by the process too while the page's tag
    ``alerts:<code>`` has the version it was read under (``pagecache.version``), no round trip either.
    """
    version = pagecache.version(request, f"alerts:{country.code}")
    kept = _KEPT.get(country.pk)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    rows = _shared_banner_rows(country)
    if version is not None:
        _KEPT[country.pk] = (version, rows)
    return rows


def _shared_banner_rows(country: Country) -> list[dict]:
    key = f"{BANNER_KEY}{country.pk}"
    try:
        rows = cache.get(key)
    except Exception:  # the cache is down: read the database
        rows = None
    if rows is None:
        rows = [
            {
                "pk": row.pk,
                "starts_at": row.starts_at,
                "source": row.source_language,
                "titles": {text.language: text.title for text in row.texts.all()},
            }
            for row in Emergency.objects.filter(country=country, ended_at__isnull=True).prefetch_related("texts")
        ]
        with contextlib.suppress(Exception):  # the cache is down: the next page reads the database again
            cache.set(key, rows, timeout=24 * 60 * 60)
    return rows


def forget_banner(country_id: int) -> None:
    with contextlib.suppress(Exception):  # the cache is down: nothing kept there to end
        cache.delete(f"{BANNER_KEY}{country_id}")


def banner(
    country: Country, language: str, now: datetime | None = None, request: HttpRequest | None = None
) -> tuple[list[dict], datetime | None]:
    """The country's emergencies in force now (link, title in the reader's language or the one it was
    written in, and that language), and the next start of one declared to start later."""
    now = now or timezone.now()
    rows = _banner_rows(country, request)
    shown = []
    for row in rows:
        if row["starts_at"] > now:
            continue
        written = language if language in row["titles"] else row["source"]
        url = reverse("emergencies:page", kwargs={"country": country.slug, "pk": row["pk"]})
        shown.append({"url": url, "title": row["titles"].get(written, ""), "language": written})
    upcoming = [row["starts_at"] for row in rows if row["starts_at"] > now]
    return shown, min(upcoming, default=None)


def broadcast_progress(broadcast) -> dict[str, int]:
    """How far a broadcast has gone: messages waiting (queued or being sent), sent, failed, held, cancelled."""
    from django.db.models import Count

    from notifications.models import Message
    from notifications.services import HELD

    Status = Message.Status
    rows = Message.objects.for_object(broadcast).values("status", "last_error").annotate(n=Count("pk")).order_by()
    progress = {"queued": 0, "sent": 0, "failed": 0, "held": 0, "cancelled": 0}
    for row in rows:
        if row["status"] in (Status.SCHEDULED, Status.SENDING):
            progress["queued"] += row["n"]
        elif row["status"] == Status.SENT:
            progress["sent"] += row["n"]
        elif row["status"] in (Status.FAILED, Status.STUCK):
            progress["failed"] += row["n"]
        elif row["last_error"] == HELD:
            progress["held"] += row["n"]
        else:
            progress["cancelled"] += row["n"]
    return progress
