"""An emergency's figures (crisis mode): households registered per day and per service point, people, needs,
occupancy and messages delivered, each count through the same disclosure control as every other figure
(``suppression.round_count``). Read from the emergencies app; docs/crisis.md."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone, translation

from emergencies.models import Arrival, Emergency, Need
from notifications.models import Message
from ventanillas.models import Role

from .suppression import cell_key, protect_table, round_count, scope_key


def _key(emergency: Emergency, scope: str, code: str, dimension: str = "", group: str = "") -> str:
    return cell_key(f"emergency{emergency.pk}.{code}", scope, dimension, group)


@dataclass
class EmergencyFigures:
    households: int
    people: int
    messages_sent: int
    by_day: list[tuple[object, int, int]] = field(default_factory=list)  # (day, households, people)
    by_point: list[tuple[str, int, int]] = field(default_factory=list)  # (point, households, people)
    needs: list[tuple[str, int]] = field(default_factory=list)  # (need, households)
    occupancy: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)


def emergency_figures(emergency: Emergency) -> EmergencyFigures:
    """Every count rounded to base 5 under a key naming the emergency and the cell (a count of 1 to 4 shows 0).

    Occupancy and capacity of the points are what staff post on the public page, not counts of people's
    records: shown as posted.
    """
    scope = scope_key([emergency.country_id])

    def rounded(code: str, value, dimension: str = "", group: str = "") -> int:
        return round_count(value, _key(emergency, scope, code, dimension, group))

    rows = Arrival.objects.filter(point__emergency=emergency)
    total = rows.aggregate(households=Count("pk"), people=Sum("household_size"))
    sent = (
        Message.objects.filter(content_type__app_label="emergencies", content_type__model="broadcast")
        .filter(object_id__in=[str(pk) for pk in emergency.broadcasts.values_list("pk", flat=True)], status="sent")
        .count()
    )
    days = list(
        rows.annotate(day=TruncDate("registered_at", tzinfo=emergency.country.zoneinfo))
        .values("day")
        .annotate(households=Count("pk"), people=Sum("household_size"))
        .order_by("day")
    )
    points = {
        row["point_id"]: row
        for row in rows.values("point_id").annotate(households=Count("pk"), people=Sum("household_size")).order_by()
    }
    # The days and the points each add up to the totals: chosen together, so that no total beside the other
    # rows proves a day or a point of one to four households non-zero (``suppression.protect_table``).
    truths, keys, relations = {}, {}, []
    for code in ("households", "people"):
        whole = (code, "", "")
        truths[whole], keys[whole] = int(total[code] or 0), _key(emergency, scope, code)
        for dimension, found in (("day", {row["day"].isoformat(): row for row in days}), ("point", points)):
            parts = []
            for group, row in found.items():
                cell = (code, dimension, str(group))
                truths[cell], keys[cell] = int(row[code] or 0), _key(emergency, scope, code, dimension, str(group))
                parts.append(cell)
            relations.append((whole, parts))
    shown = protect_table(truths, keys, relations)
    figures = EmergencyFigures(
        households=shown[("households", "", "")],
        people=shown[("people", "", "")],
        messages_sent=rounded("messages", sent),
    )
    # A day is listed when one of its figures shows more than 0 (a day's presence says nothing its figures do
    # not); every point is listed, with 0 where nobody arrived.
    for row in days:
        day = row["day"].isoformat()
        pair = (shown[("households", "day", day)], shown[("people", "day", day)])
        if any(pair):
            figures.by_day.append((row["day"], *pair))
    for point in emergency.points.order_by("name"):
        group = str(point.pk)
        if point.pk in points:
            figures.by_point.append(
                (point.name, shown[("households", "point", group)], shown[("people", "point", group)])
            )
        else:
            figures.by_point.append((point.name, 0, 0))
    needs = Counter(need for row in rows.values_list("needs", flat=True) for need in row or [])
    figures.needs = [(str(label), rounded("need", needs.get(code, 0), "need", code)) for code, label in Need.choices]
    figures.occupancy = [
        (point.name, point.get_state_display(), point.occupancy, point.capacity) for point in emergency.points.all()
    ]
    return figures


DAILY_KIND = "emergency.daily_report"


def send_daily_reports(*, now: datetime | None = None) -> int:
    """Each emergency in force: its figures (rounded as on the page) by e-mail to its country's officers and
    the regional officers, in the country's language, once a day (the key names the day). Returns how many
    e-mails were queued."""
    from notifications import services as outbox

    now = now or timezone.now()
    queued = 0
    for emergency in Emergency.objects.active(now).select_related("country").prefetch_related("texts"):
        country = emergency.country
        day = timezone.localtime(now, country.zoneinfo).date()
        readers = get_user_model().objects.filter(is_active=True).exclude(email="").filter(
            Q(memberships__role=Role.COUNTRY_OFFICER, memberships__country=country)
            | Q(memberships__role=Role.REGIONAL_OFFICER)
        ).distinct()  # fmt: skip
        language = country.default_language
        with translation.override(language):
            figures = emergency_figures(emergency)
            link = settings.PORTAL_URL + reverse("dashboards:emergency", kwargs={"pk": emergency.pk})
            kind = str(emergency.get_kind_display())
        context = {
            "kind": kind,
            "country": country.name,
            "day": day,
            "households": figures.households,
            "people": figures.people,
            "messages_sent": figures.messages_sent,
            "by_point": [[name, households, people] for name, households, people in figures.by_point],
            "needs": [[label, households] for label, households in figures.needs if households],
            "link": link,
        }
        for reader in readers:
            outbox.enqueue(
                kind=DAILY_KIND,
                channel="email",
                recipient=reader.email,
                language=language,
                template="dashboards/messages/emergency_daily",
                context=context,
                obj=emergency,
                key=f"{DAILY_KIND}:{emergency.pk}:{day.isoformat()}:{reader.pk}",
            )
            queued += 1
    return queued
