"""Demo data of the dashboards: the programme's regional targets and sample country targets, then the
roll-ups built from the demo records of cases and training (their loaders run before this one)."""

from __future__ import annotations

from datetime import date

from ventanillas.models import Country

from . import rollups
from .models import Target

# The programme's headline results, for the whole region and the whole programme.
REGIONAL_TARGETS = {"regularized": 15000, "trained": 52000, "beneficiaries": 1000000}
# Sample yearly targets for two countries: sample content to verify before use.
COUNTRY_TARGETS = {"CR": {"regularized": 400, "trained": 1500, "beneficiaries": 30000},
                   "PA": {"regularized": 350, "trained": 1200, "beneficiaries": 25000}}  # fmt: skip


def load(stdout=None) -> list[tuple[str, str]]:
    for code, value in REGIONAL_TARGETS.items():
        Target.objects.update_or_create(
            country=None, year=None, indicator=code, defaults={"value": value, "notes": "Programme target"}
        )
    year = date.today().year
    for country_code, values in COUNTRY_TARGETS.items():
        country = Country.objects.filter(code=country_code).first()
        if country is None:
            continue
        for code, value in values.items():
            Target.objects.update_or_create(
                country=country, year=year, indicator=code, defaults={"value": value, "notes": "Sample target"}
            )
    written = rollups.rebuild()
    if stdout:
        stdout.write(f"dashboards: targets and {written} roll-up rows\n")
    return []
