"""An emergency's figures (crisis mode): households registered per day and per service point, people, needs,
occupancy and messages delivered, each count through the same disclosure control as every other figure
(``suppression.round_count``). Read from the emergencies app; docs/crisis.md."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from emergencies.models import Arrival, Emergency, Need
from notifications.models import Message
from ventanillas.models import Role

from .periods import CUSTOM, Period
from .suppression import cell_key, protect_rows, protect_table, round_count, scope_key
from .tables import Row, Table


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


def _messages_sent(emergency: Emergency) -> int:
    return (
        Message.objects.filter(content_type__app_label="emergencies", content_type__model="broadcast")
        .filter(object_id__in=[str(pk) for pk in emergency.broadcasts.values_list("pk", flat=True)], status="sent")
        .count()
    )


def emergency_figures(emergency: Emergency) -> EmergencyFigures:
    """Every count rounded to base 5 under a key naming the emergency and the cell (a count of 1 to 4 shows 0).

    Rows that add up to a total shown beside them (per day, per point) are protected as the other dashboards'
    breakdowns are (``suppression.protect_table``): no row of 1 to 4 can be pinned from the total and the rest.
    Occupancy and capacity of the points are what staff post on the public page, not counts of people's
    records: shown as posted.
    """
    scope = scope_key([emergency.country_id])

    def rounded(code: str, value, dimension: str = "", group: str = "") -> int:
        return round_count(value, _key(emergency, scope, code, dimension, group))

    rows = Arrival.objects.filter(point__emergency=emergency)
    total = rows.aggregate(households=Count("pk"), people=Sum("household_size"))
    sent = _messages_sent(emergency)
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


# -- the same figures as tables: for the exports (CSV, XLSX) and the API -------------------------------------

TABLES = ("totals", "days", "points", "needs", "occupancy")
NOTE = _(
    "Counts are rounded to a multiple of 5 and a count of 1 to 4 shows 0, as in every dashboard. Occupancy and "
    "capacity are as staff posted them on the public page."
)


def emergency_tables(emergency: Emergency, figures: EmergencyFigures | None = None) -> dict[str, Table]:
    """The emergency's figures as dashboard tables (``dashboards.tables.Table``), in the active language."""
    figures = figures or emergency_figures(emergency)
    households, people = gettext("Households"), gettext("People")
    notes = [str(NOTE)]
    return {
        "totals": Table(
            "totals", gettext("Emergency totals"), [gettext("Figure")],
            [Row(gettext("Households registered"), [figures.households], "households"),
             Row(gettext("People in them"), [figures.people], "people"),
             Row(gettext("Emergency messages delivered"), [figures.messages_sent], "messages")],
            notes=notes, column_keys=["value"],
        ),
        "days": Table(
            "days", gettext("Registrations per day"), [households, people],
            [Row(day.isoformat(), [h, p], day.isoformat()) for day, h, p in figures.by_day],
            total=Row(gettext("Total"), [figures.households, figures.people]), notes=notes,
            column_keys=["households", "people"],
        ),
        "points": Table(
            "points", gettext("Registrations per service point"), [households, people],
            [Row(name, [h, p]) for name, h, p in figures.by_point],
            total=Row(gettext("Total"), [figures.households, figures.people]), notes=notes,
            column_keys=["households", "people"],
        ),
        "needs": Table(
            "needs", gettext("Needs"), [households], [Row(label, [h]) for label, h in figures.needs], notes=notes,
            column_keys=["households"],
        ),
        "occupancy": Table(
            "occupancy", gettext("Occupancy as posted"), [gettext("State"), gettext("People there"),
                                                           gettext("Capacity")],
            [Row(name, [state, occupancy, capacity]) for name, state, occupancy, capacity in figures.occupancy],
            notes=notes, column_keys=["state", "occupancy", "capacity"],
        ),
    }  # fmt: skip


def span(emergency: Emergency) -> Period:
    """The days the emergency covers so far (in its country's days), as the period an export names."""
    zone = emergency.country.zoneinfo
    first = timezone.localtime(emergency.starts_at, zone).date()
    last = timezone.localtime(emergency.ended_at or timezone.now(), zone).date()
    return Period(CUSTOM, first, max(first, last) + timedelta(days=1))


# -- the region: every emergency in force, and those ended in the last days, one row each ------------------

RECENT_DAYS = 30


def regional_table(countries, *, now: datetime | None = None) -> tuple[Table, list[Emergency]]:
    """One row per emergency of ``countries`` in force or ended in the last ``RECENT_DAYS`` days: its
    households, people and messages delivered, each the same rounded figure its own page shows; the total of
    each column is rounded under the region's key and the rows are protected against it."""
    now = now or timezone.now()
    emergencies = list(
        Emergency.objects.filter(country__in=countries, starts_at__lte=now)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=now - timedelta(days=RECENT_DAYS)))
        .select_related("country")
        .order_by("country__code", "starts_at", "pk")
    )
    ids = sorted({e.country_id for e in emergencies})
    scope = scope_key(ids)
    truths, shown = [], []
    for emergency in emergencies:
        figures = emergency_figures(emergency)
        rows = Arrival.objects.filter(point__emergency=emergency).aggregate(h=Count("pk"), p=Sum("household_size"))
        truths.append([rows["h"] or 0, rows["p"] or 0, _messages_sent(emergency)])
        shown.append([figures.households, figures.people, figures.messages_sent])
    totals = []
    for column, code in enumerate(("households", "people", "messages")):
        true_total = sum(row[column] for row in truths)
        total = round_count(true_total, cell_key(f"emergencies.{code}", scope))
        if len(emergencies) == 1:
            total = shown[0][column]  # the same count: one rounding of it, never two to intersect
        protected = protect_rows([row[column] for row in truths], [row[column] for row in shown], total)
        for row, value in zip(shown, protected, strict=True):
            row[column] = value
        totals.append(total)
    labels = [
        f"{e.country.name} · {e.get_kind_display()} · {timezone.localtime(e.starts_at, e.country.zoneinfo):%Y-%m-%d}"
        + (f" ({gettext('ended')})" if e.is_over else "")
        for e in emergencies
    ]
    table = Table(
        "emergencies",
        gettext("Emergencies of the region"),
        [gettext("Households"), gettext("People"), gettext("Emergency messages delivered")],
        [Row(label, cells, str(e.pk)) for label, cells, e in zip(labels, shown, emergencies, strict=True)],
        total=Row(gettext("Total"), totals) if emergencies else None,
        notes=[str(NOTE), gettext("Emergencies in force, and those ended in the last %(days)s days.") % {
            "days": RECENT_DAYS}],
        column_keys=["households", "people", "messages"],
    )  # fmt: skip
    return table, emergencies


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
