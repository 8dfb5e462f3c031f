"""Print what a restore must reproduce: rows per table, every encrypted field read back, published figures.

Two databases with equal fingerprints hold the same rows, the same personal data (every encrypted value is
decrypted with the field keys, so a key that does not open one fails here) and publish the same dashboard
figures. `.ci/run` compares the fingerprint of a filled database with that of its restored backup.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboards import indicators, published
from privacy.fields import encrypted_fields
from ventanillas.models import Country


def fingerprint() -> dict:
    rows, personal = {}, {}
    for model in apps.get_models():
        label = model._meta.label
        rows[label] = model._default_manager.count()
        fields = encrypted_fields(model)
        if fields:
            digest = hashlib.sha256()
            for values in model._default_manager.order_by("pk").values_list("pk", *fields).iterator():
                digest.update(json.dumps([str(v) for v in values]).encode())
            personal[label] = {"rows": rows[label], "sha256": digest.hexdigest()}
    figures = {}
    codes = list(indicators.INDICATORS)
    year = timezone.localdate().year
    scopes = [("region", None)] + [(c.code, [c.pk]) for c in Country.objects.order_by("code")]
    for place, country_ids in scopes:
        for y in (year - 1, year):
            cells = published.totals(codes, country_ids, date(y, 1, 1), date(y + 1, 1, 1))
            figures[f"{place} {y}"] = {code: str(cell) for code, cell in cells.items()}
    return {"rows": rows, "personal": personal, "figures": figures}


class Command(BaseCommand):
    help = "Print a JSON fingerprint of the database (rows, decrypted personal data, published figures)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))
