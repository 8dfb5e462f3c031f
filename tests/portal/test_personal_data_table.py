"""docs/personal-data.md says, for every field of every model about a person, how it is protected and how
long it lives: a new field (or a new model pointing at a person) fails here until it is described."""

from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings

from privacy.fields import encrypted_fields

DOC = settings.BASE_DIR / "docs" / "personal-data.md"

# The records of people; any model with a foreign key to one of these is about a person too.
PEOPLE = {"cases.Person", "training.Participant", "notifications.Message"}


def person_related_models() -> list:
    found = {apps.get_model(label) for label in PEOPLE}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if targets & {apps.get_model("cases.Person"), apps.get_model("training.Participant")} or (
                model._meta.label
                in {
                    "cases.RegularizationProcess",
                    "cases.Appointment",
                    "cases.FollowUp",
                    "cases.Referral",
                    "cases.TimelineEntry",
                    "cases.ChecklistItem",
                }
                or any(t is not None and t._meta.label in {"cases.Case", "training.Enrolment"} for t in targets)
            ):
                found.add(model)
                changed = True
    found.add(apps.get_model("cases.AuditEntry"))
    return sorted(found, key=lambda m: m._meta.label)


def documented() -> tuple[dict[str, str], set[str]]:
    text = DOC.read_text()
    table, rest = text.split("## Fields of these models without personal data")
    rows = {}
    for line in table.splitlines():
        match = re.match(r"\| `([\w.]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    plain = set()
    for line in rest.splitlines():
        match = re.match(r"- `([\w.]+)`: (.*)", line)
        if match:
            plain |= {f"{match.group(1)}.{name}" for name in re.findall(r"`(\w+)`", match.group(2))}
    return rows, plain


def test_every_field_of_a_person_related_model_is_described():
    rows, plain = documented()
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in person_related_models()
        for field in model._meta.concrete_fields
        if f"{model._meta.label}.{field.name}" not in rows and f"{model._meta.label}.{field.name}" not in plain
    ]
    assert not missing, f"describe these fields in docs/personal-data.md: {missing}"


def test_the_table_says_encrypted_exactly_where_the_field_is_encrypted():
    rows, _plain = documented()
    for model in person_related_models():
        for name in encrypted_fields(model):
            assert rows.get(f"{model._meta.label}.{name}", "").startswith("encrypted"), f"{model._meta.label}.{name}"
    for label, protection in rows.items():
        app_model, _dot, field = label.rpartition(".")
        model = apps.get_model(app_model)
        if protection.startswith("encrypted"):
            assert field in encrypted_fields(model), f"{label} is said to be encrypted but is not"
