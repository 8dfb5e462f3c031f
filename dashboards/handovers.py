"""The figures of handovers between countries: the sources of "handovers sent" and "handovers received"
(``indicators``), the days a handover touched (``rollups.changed_slices``), and who a received person was
first, so that the region's people counts count a handed-over person once (``rollups.compute``)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone


def sent(country) -> QuerySet:
    """Handovers a window of the country sent (once shared: one waiting for the person's SMS code is not)."""
    from handovers.models import Handover, Status

    return Handover.objects.filter(from_window__country=country).exclude(status=Status.AWAITING_CONSENT)


def received(country) -> QuerySet:
    """Handovers a window of the country accepted."""
    from handovers.models import Handover, Status

    return Handover.objects.filter(to_country=country, status=Status.ACCEPTED, accepted_at__isnull=False)


def person_aliases() -> dict[int, int]:
    """{person of a receiving country: the person as first registered}, following chains of handovers
    (Honduras → Guatemala → Mexico): a people count keyed by these counts the person once."""
    from handovers.models import Handover, Status

    first = dict(
        Handover.objects.filter(status=Status.ACCEPTED, received_person__isnull=False)
        .exclude(received_person=F("person"))
        .values_list("received_person_id", "person_id")
    )
    resolved = {}
    for person, origin in first.items():
        seen = {person}
        while origin in first and origin not in seen:
            seen.add(origin)
            origin = first[origin]
        resolved[person] = origin
    return resolved


def changed_days(since: datetime, zones: dict) -> list[tuple[int, date]]:
    """(country, local day) of every handover sent or accepted since ``since``: the slices to recompute."""
    from handovers.models import Handover

    rows = Handover.objects.filter(Q(sent_at__gte=since) | Q(accepted_at__gte=since) | Q(decided_at__gte=since))
    found = []
    for from_country, to_country, sent_at, accepted_at in rows.values_list(
        "from_window__country_id", "to_country_id", "sent_at", "accepted_at"
    ):
        found.append((from_country, timezone.localtime(sent_at, zones[from_country]).date()))
        if accepted_at:
            found.append((to_country, timezone.localtime(accepted_at, zones[to_country]).date()))
    return found
