"""Demo data of crisis mode: one active emergency (data/demo/emergencies.json), declared through the services
as an officer would, with its service points, a few households registered and people looked for. Loading again leaves a declared one as it is. Sample content."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.rules import parse_phone
from ventanillas.models import Country

from . import services
from .models import Emergency

DATA = Path(settings.BASE_DIR) / "data" / "demo" / "emergencies.json"


def load(stdout=None) -> list[tuple[str, str]]:
    now = timezone.now()
    for entry in json.loads(DATA.read_text())["emergencies"]:
        country = Country.objects.filter(code=entry["country"]).first()
        by = get_user_model().objects.filter(username=entry["declared_by"]).first()
        if country is None or by is None:
            continue
        source, *others = entry["texts"]
        title = entry["texts"][source]["title"]
        if Emergency.objects.filter(country=country, ended_at__isnull=True, texts__title=title).exists():
            continue
        starts_at = now - timedelta(hours=entry["started_hours_ago"])
        (emergency,) = services.declare(
            countries=[country],
            by=by,
            kind=entry["kind"],
            severity=entry["severity"],
            language=source,
            regions=entry["regions"],
            starts_at=starts_at,
            expected_end_at=starts_at + timedelta(days=entry["lasts_days"]),
            hotlines=entry["hotlines"],
            **entry["texts"][source],
        )
        for language in others:
            services.write_text(emergency=emergency, by=by, language=language, **entry["texts"][language])
        points = []
        for point in entry["points"]:
            state = point.pop("state")
            made = services.add_point(emergency=emergency, by=by, data=point)
            if state != made.state:
                services.set_point_state(point=made, by=by, state=state)
            points.append(made)
        # Households registered at the points, and people looked for: invented names, encrypted as any.
        for arrival in entry.get("arrivals", []):
            data = {**arrival, "contact_phone": parse_phone(arrival["contact_phone"], country.code) or ""}
            services.register_arrival(point=points[data.pop("point")], by=by, data=data)
        for search in entry.get("looking_for", []):
            data = {**search, "seeker_phone": parse_phone(search["seeker_phone"], country.code) or ""}
            services.register_looking_for(emergency=emergency, by=by, data=data)
        if stdout:
            stdout.write(f"  emergency: /{source}/{country.slug}/emergencies/{emergency.pk}/ (staff: regional)")
    return []
