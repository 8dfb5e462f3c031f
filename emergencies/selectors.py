"""Reads of emergencies for the public pages, the banner and the staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

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


def banner(
    country: Country, language: str, now: datetime | None = None
) -> tuple[list[tuple[Emergency, Shown]], datetime | None]:
    """The country's emergencies in force now, with the text to show, and the next start of a declared one."""
    now = now or timezone.now()
    rows = list(Emergency.objects.filter(country=country, ended_at__isnull=True).prefetch_related("texts"))
    active = [(row, shown_text(row, language)) for row in rows if row.starts_at <= now]
    upcoming = [row.starts_at for row in rows if row.starts_at > now]
    return active, min(upcoming, default=None)


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
