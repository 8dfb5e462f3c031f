"""The regularization pathways, read from data/pathways/<country>.json: steps, documents and facts, each fact
and document with its source, check date and status (the files say what each status means).

Idempotent: rows are found by (country, slug) and by order; rows beyond a file's are removed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from ventanillas.models import Country
from ventanillas.reference import countries as reference_countries
from ventanillas.reference import data_dir, read_data

from .models import PathwayDocument, PathwayFact, PathwayStep, RegularizationPathway

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _columns(field: str, texts: dict[str, str]) -> dict[str, str]:
    """{"es": "..."} -> {"name_es": "..."}, blank in the languages the text does not have."""
    return {f"{field}_{code}": texts.get(code, "") for code in LANGUAGES}


def pathway_files() -> list[str]:
    """The pathway files (relative to data/), in the order of the reference countries."""
    codes = [item["code"].lower() for item in reference_countries()]
    return [f"pathways/{code}.json" for code in codes if (data_dir() / f"pathways/{code}.json").exists()]


@transaction.atomic
def _provenance(item: dict) -> dict:
    """How sure a fact or a document is, and where it comes from: the same columns on both."""
    return {
        "status": item["status"],
        "source_name": item["source"]["name"],
        "source_url": item["source"]["url"],
        "checked_on": date.fromisoformat(item["checked_on"]),
    }


def load_pathways(*, keep_existing: bool = False) -> int:
    """Create or update the pathways of the countries in the database; return how many were written.

    With keep_existing (a production set-up run again) a pathway already in the database is left as it is,
    so that a reviewer's corrections and verification are never overwritten by the file.
    """
    countries = {c.code: c for c in Country.objects.all()}
    count = 0
    for name in pathway_files():
        content = read_data(name)
        if content["country"] not in countries:
            continue
        for data in content["pathways"]:
            country = countries[content["country"]]
            if keep_existing and RegularizationPathway.objects.filter(country=country, slug=data["slug"]).exists():
                continue
            _load_pathway(country, data)
            count += 1
    return count


def _load_pathway(country: Country, data: dict) -> None:
    pathway, _ = RegularizationPathway.objects.update_or_create(
        country=country,
        slug=data["slug"],
        defaults={
            **_columns("name", data["name"]),
            **_columns("eligibility", data["eligibility"]),
            "is_sample": True,
            "verified_on": None,
            "active": True,
        },
    )
    for order, item in enumerate(data["facts"], start=1):
        PathwayFact.objects.update_or_create(
            pathway=pathway,
            order=order,
            defaults={
                "kind": item["kind"],
                "name": item.get("name", ""),
                "name_language": item.get("name_language", ""),
                "amount": Decimal(item["amount"]) if item.get("amount") is not None else None,
                "currency": item.get("currency", ""),
                "days": item.get("days"),
                **_provenance(item),
                **_columns("text", item.get("text", {})),
                **_columns("applies_to", item.get("applies_to", {})),
                **_columns("note", item.get("note", {})),
            },
        )
    pathway.facts.filter(order__gt=len(data["facts"])).delete()
    for order, step in enumerate(data["steps"], start=1):
        PathwayStep.objects.update_or_create(pathway=pathway, order=order, defaults=_columns("title", step["title"]))
    pathway.steps.filter(order__gt=len(data["steps"])).delete()
    for order, item in enumerate(data["documents"], start=1):
        PathwayDocument.objects.update_or_create(
            pathway=pathway,
            order=order,
            defaults={
                "required": item["required"],
                **_provenance(item),
                **_columns("name", item["name"]),
                **_columns("applies_to", item.get("applies_to", {})),
            },
        )
    pathway.documents.filter(order__gt=len(data["documents"])).delete()
