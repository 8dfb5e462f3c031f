"""Demo data of interop: a mapping of the demo countries and a few indicators to made-up DHIS2 identifiers
(data/demo/interop.json), so that the admin shows what administrators fill in. Nothing is sent: the demo has
no DHIS2_URL."""

from __future__ import annotations

from ventanillas.models import Country
from ventanillas.reference import read_data

from .models import DataElementMapping, OrgUnit


def load(stdout=None) -> list[tuple[str, str]]:
    data = read_data("demo/interop.json")
    units = 0
    for code, org_unit in data["org_units"].items():
        country = Country.objects.filter(code=code).first()
        if country is not None:
            OrgUnit.objects.update_or_create(country=country, defaults={"org_unit": org_unit})
            units += 1
    for row in data["mappings"]:
        mapping = DataElementMapping(**row)
        mapping.full_clean(validate_unique=False, validate_constraints=False)
        DataElementMapping.objects.update_or_create(
            indicator=row["indicator"],
            dimension=row["dimension"],
            value=row["value"],
            defaults={"data_element": row["data_element"], "category_option_combo": row["category_option_combo"]},
        )
    if stdout:
        stdout.write(f"interop: {units} countries and {len(data['mappings'])} figures mapped to DHIS2\n")
    return []
