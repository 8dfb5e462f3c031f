"""What someone holding a copy of the database reads: `pg_dump` of the demo holds none of the migrants' names
(whole or word by word), document numbers, phones (in any format), e-mails, notes or status-check PINs in
clear; nor, after a merge and the erasure of the person kept, anything of theirs. PostgreSQL only (CI runs
the tests on it)."""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterable

import phonenumbers
import pytest
from django.core.management import call_command
from django.db import connection

from cases import services
from cases.models import AuditEntry, Case, HouseholdMember, Person
from cases.name_index import normalise_text
from statuscheck.demo import DEMO_PIN
from training.models import Participant

pytestmark = [
    # Committed, so that pg_dump (another connection) reads it; the tables are emptied afterwards.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump reads PostgreSQL"),
    # Loading the whole demo (hundreds of encrypted cases) takes minutes on a busy machine.
    pytest.mark.timeout(1800),
]

# Tables of public content, reference data and staff accounts: their words are not about a migrant (a guide
# names "Cruz Roja", a trainer signs a certificate), so names are looked for word by word elsewhere only.
NOT_ABOUT_MIGRANTS = re.compile(
    r"^(hub_|ventanillas_|auth_|django_|axes_|otp_|accounts_|cases_regularizationpathway|cases_pathway|"
    r"training_course|training_session|training_certificate|dashboards_|notifications_report)"
)


def dump() -> dict[str, str]:
    """The database as pg_dump writes it (plain SQL), by table: each table's rows as text."""
    db = connection.settings_dict
    env = {"PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--data-only", db["NAME"]],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **{k: v for k, v in env.items() if v}},
    )
    tables: dict[str, str] = {}
    for match in re.finditer(r"^COPY public\.(\w+) .*? FROM stdin;\n(.*?)^\\\.$", result.stdout, re.S | re.M):
        tables[match.group(1)] = match.group(2)
    return tables


def phone_forms(number: str) -> set[str]:
    """A phone as anyone might write it: E.164, international, national, digits alone."""
    if not number:
        return set()
    parsed = phonenumbers.parse(number)
    forms = {
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
        str(parsed.national_number),
        f"{parsed.country_code}{parsed.national_number}",
    }
    return {f for f in forms if len(re.sub(r"\D", "", f)) >= 7}


def secrets_of(people: Iterable[Person]) -> tuple[set[str], set[str]]:
    """(identifiers and texts, names whole and word by word) of the people, household included."""
    values: set[str] = set()
    words: set[str] = set()
    for person in people:
        names = [person.given_names, person.family_names, person.full_name]
        names += list(HouseholdMember.objects.filter(person=person).values_list("given_names", flat=True))
        for name in filter(None, names):
            words |= {name, normalise_text(name)}
            for word in name.split() + normalise_text(name).split():
                if len(word) >= 4:
                    words.add(word)
        values |= {v for v in (person.document_number, person.email, person.notes) if v}
        values |= {notes for notes in Case.objects.filter(person=person).values_list("notes", flat=True) if notes}
        values |= phone_forms(person.phone) | phone_forms(person.whatsapp)
    words.discard("—")
    return values, words


def found_in(tables: dict[str, str], values: set[str], words: set[str]) -> list[str]:
    """What the dump holds in clear, and where: a value anywhere, standing alone (digits not part of a longer
    number or a time stamp); a name, whole or a word of it, in the tables about people."""
    found = []
    for table, rows in tables.items():
        for value in values:
            if re.search(rf"(?<![\w.]){re.escape(value)}(?!\w)", rows):
                found.append(f"{value} ({table})")
        if not NOT_ABOUT_MIGRANTS.match(table):
            for word in words:
                if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", rows, re.I):
                    found.append(f"{word} ({table})")
    return found


def test_a_dump_of_the_demo_reads_no_migrant_and_no_pin_nor_anything_of_a_merged_and_erased_person():
    call_command("load_demo", force=True, stdout=io.StringIO())
    people = list(Person.objects.filter(anonymised_at__isnull=True).order_by("pk"))
    values, words = secrets_of(people)
    for participant in Participant.objects.all():  # people trained: their e-mails and phones too
        values |= {participant.email} | ({participant.phone} if participant.phone else set())
    tables = dump()
    assert len(people) > 100 and len(words) > 50 and any("@" in v for v in values) and any("+" in v for v in values)
    # The search reads the dump: what is meant to be clear is found (a window's name, the people's rows).
    assert tables["cases_person"].count("\n") >= len(people)
    assert f"{people[0].window.name} (ventanillas_informationwindow)" in found_in(
        tables, {people[0].window.name}, set()
    )
    assert found_in(tables, values | {DEMO_PIN}, words) == []

    keep, duplicate = [p for p in people if p.phone and p.document_number][:2]
    gone_values, gone_words = secrets_of([keep, duplicate])
    admin = keep.created_by
    services.merge_people(keep=keep, duplicate=duplicate, by=admin)
    services.audit_identifier_search(user=admin, phone=keep.phone, found=[keep.pk])
    services.erase_person(person=Person.objects.get(pk=keep.pk), by=admin)
    after = dump()
    assert found_in(after, gone_values, gone_words) == []
    # Nor a keyed trace that single them out: their identifier hashes are gone from every table.
    hashes = {h for p in (keep, duplicate) for h in (p.phone_hash, p.document_number_hash) if h}
    assert hashes and not any(h in "\n".join(after.values()) for h in hashes)
    # The check can fail: a name written in clear into a table about people is seen.
    name = next(w for w in gone_words if " " in w)
    AuditEntry.objects.create(action=AuditEntry.Action.VIEW, object_type="cases.person", details={"note": name})
    assert found_in(dump(), values, {name}) == [f"{name} (cases_auditentry)"]
