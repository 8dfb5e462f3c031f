"""Every change of state of a register import: upload, mapping, value decisions, the run in chunks (which
creates the records through the cases services), and undo. See docs/imports.md.

Each row is checked the same way for the preview and for the run (``checked_rows``): a row with a problem is
shown with it and never written. A row's fingerprint (a keyed hash of the window, the kind and the row's
values, or of its record number in the register) is stored per window, so the same row imported again is
skipped. The run writes ``CHUNK`` rows per transaction, with the import's progress in the same one: an
interrupted run resumes after the last chunk written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import (
    AgeGroup,
    AuditEntry,
    Case,
    ChecklistStatus,
    Consent,
    Consultation,
    Person,
    RegularizationProcess,
    Stage,
    TimelineEntry,
)
from cases.rules import normalise_document_number, parse_phone
from helpers import bulk
from helpers.validation import EARLIEST_DAY, control_characters
from privacy import crypto
from ventanillas.models import InformationWindow

from . import fields as F
from . import reading, signals
from .models import Decision, ImportedRow, MappingTemplate, RegisterImport, Status

logger = logging.getLogger(__name__)

CHUNK = 500
# A run writes this many rows, then queues the rest as a new task: no task outlives its time limit (15
# minutes), and a worker that stops loses one chunk at most. Each part reads the file again from the top, so
# the parts are as long as the time limit allows: consultations go at hundreds of rows a second or more,
# people at a few (one search before creating each).
ROWS_PER_TASK = 100_000
PEOPLE_PER_TASK = 2_000
EARLIEST_BIRTH = date(1900, 1, 1)
# A likely duplicate has at least this score in the search before creating a person (cases.selectors):
# the same name, or all its names, or a similar name with the same date of birth.
LIKELY = 50
MAX_LENGTH = {"given_names": 120, "family_names": 120, "document_number": 40, "phone": 30, "record_id": 100}


class RegisterError(Exception):
    """A rule refused the change; ``message`` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _encrypt(content: bytes) -> bytes:
    return crypto.ring().encrypt(content)


def file_content(register: RegisterImport) -> bytes:
    """The uploaded file, decrypted (only while the import waits or runs: it is emptied once done)."""
    return crypto.ring().decrypt(bytes(register.content))


# --- upload, mapping, decisions ----------------------------------------------------------------------------


@transaction.atomic
def upload(*, window: InformationWindow, by: Any, kind: str, name: str, content: bytes) -> RegisterImport:
    """Keep an uploaded file (encrypted) with its headers and row count; suggest its columns from the
    window's template for the kind, else from the header names. Raises ``reading.FileRefused``."""
    fmt = reading.file_format(name, content)
    found = reading.inspect(content, fmt)
    template = MappingTemplate.objects.filter(window=window, kind=kind).first()
    return RegisterImport.objects.create(
        window=window,
        kind=kind,
        created_by=by,
        file_format=fmt,
        content=_encrypt(content),
        sheets=reading.sheet_names(content, fmt),
        headers=found.headers,
        total_rows=found.count,
        columns=_suggested(kind, found.headers, template),
        values=template.values if template else {},
    )


def _suggested(kind: str, headers: list[str], template: MappingTemplate | None) -> dict[str, str]:
    """Each column's field: from the window's template (by header name), else from the header names."""
    columns: dict[str, str] = {}
    if template:
        codes = F.fields_of(kind)
        columns = {str(i): template.columns[h] for i, h in enumerate(headers) if template.columns.get(h) in codes}
    return columns or {str(i): code for i, code in F.suggest(kind, headers).items()}


@transaction.atomic
def choose_sheet(*, register: RegisterImport, sheet: str) -> RegisterImport:
    """Read another sheet of the workbook (KoBoToolbox puts repeat groups on the sheets after the first): its
    headers and rows are checked as at the upload, and its columns suggested again. RegisterError with the
    reason when the sheet cannot be imported."""
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    _require_editable(register)
    if sheet not in register.sheets:
        raise RegisterError(_("Choose a sheet of the workbook."))
    sheet = "" if sheet == register.sheets[0] else sheet
    try:
        found = reading.inspect(file_content(register), register.file_format, sheet)
    except reading.FileRefused as refused:
        raise RegisterError(refused.message) from refused
    template = MappingTemplate.objects.filter(window=register.window, kind=register.kind).first()
    register.sheet, register.headers, register.total_rows = sheet, found.headers, found.count
    register.columns = _suggested(register.kind, found.headers, template)
    register.status = Status.MAPPING
    register.save(update_fields=["sheet", "headers", "total_rows", "columns", "status", "touched_at"])
    return register


def _require_editable(register: RegisterImport) -> None:
    if register.status not in (Status.MAPPING, Status.READY):
        raise RegisterError(_("This import was confirmed: its columns and values can no longer change."))


@transaction.atomic
def save_columns(*, register: RegisterImport, columns: dict[str, str]) -> RegisterImport:
    """Set which field each column fills ("" for none); a field once at most; the required fields mapped.
    Saved as the window's template for the next file of this kind."""
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    _require_editable(register)
    codes = F.fields_of(register.kind)
    chosen = {col: code for col, code in columns.items() if code}
    if any(code not in codes for code in chosen.values()):
        raise RegisterError(_("Choose a field from the list."))
    twice = [codes[c].label for c, n in Counter(chosen.values()).items() if n > 1]
    if twice:
        raise RegisterError(
            _("Each field can come from one column only: %(fields)s.") % {"fields": ", ".join(map(str, twice))}
        )
    missing = [f.label for f in F.FIELDS[register.kind] if f.required and f.code not in chosen.values()]
    if missing:
        raise RegisterError(_("Choose the column of: %(fields)s.") % {"fields": ", ".join(map(str, missing))})
    register.columns = chosen
    register.status = Status.READY if not unmatched(register) else Status.MAPPING
    register.save(update_fields=["columns", "status"])
    _save_template(register)
    return register


@transaction.atomic
def save_values(*, register: RegisterImport, decisions: dict[str, dict[str, str]]) -> RegisterImport:
    """Record the clerk's decision for values no list knew ({list: {value as written: code or ""}})."""
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    _require_editable(register)
    for name, chosen in decisions.items():
        allowed = {code for code, _label in F.choices(name, register.window.country_id)}
        for raw, code in chosen.items():
            if code not in allowed:
                raise RegisterError(_("Choose a value from the list."))
            register.values.setdefault(name, {})[F.fold(raw)] = code
    register.status = Status.READY if not unmatched(register) else Status.MAPPING
    register.save(update_fields=["values", "status"])
    _save_template(register)
    return register


def _save_template(register: RegisterImport) -> None:
    headers = register.headers
    MappingTemplate.objects.update_or_create(
        window=register.window,
        kind=register.kind,
        defaults={
            "columns": {headers[int(col)]: code for col, code in register.columns.items()},
            "values": register.values,
        },
    )


# --- checking rows ------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (list, value as written)


def _table(register: RegisterImport, name: str) -> dict[str, str]:
    """A list's table, the window's country's pathways read once per pass over the file."""
    tables = register.__dict__.setdefault("_tables", {})
    if name not in tables:
        tables[name] = F.table(name, register.window.country_id)
    return tables[name]


def _value(register: RegisterImport, spec: F.Field, cell: Any, row: Row, today: date) -> Any:
    label = spec.label  # translated only for a problem: most cells have none
    if cell in ("", None):
        return None
    if isinstance(cell, reading.Formula):
        row.problems.append(_("%(field)s holds a formula, which is not imported: write its value.") % {"field": label})
        return None
    if spec.type == F.DATE:
        day = reading.as_date(cell)
        earliest = EARLIEST_BIRTH if spec.code == "date_of_birth" else EARLIEST_DAY
        if day is None:
            row.problems.append(_("%(field)s: “%(value)s” is not a date.") % {"field": label, "value": cell})
        elif not earliest <= day <= today:
            row.problems.append(
                _("%(field)s: give a date between %(first)s and %(last)s.")
                % {"field": label, "first": earliest.isoformat(), "last": today.isoformat()}
            )
            return None
        return day
    if spec.type == F.NUMBER:
        try:
            number = int(float(str(cell).replace(",", ".")))
        except ValueError:
            number = -1
        if not 0 <= number <= 120:
            row.problems.append(_("%(field)s: “%(value)s” is not an age in years.") % {"field": label, "value": cell})
            return None
        return number
    if spec.type in (F.LIST, F.MULTI):
        known, decided = _table(register, spec.values), register.values.get(spec.values, {})
        codes = []
        for part in F.parts(spec, str(cell)):
            key = F.fold(part)
            if key in known:
                codes.append(known[key])
            elif key in decided:
                if decided[key]:
                    codes.append(decided[key])
            else:
                row.unmatched.append((spec.values, part))
                row.problems.append(
                    _("%(field)s: “%(value)s” is not in the list; choose what it means above.")
                    % {"field": label, "value": part}
                )
        return codes if spec.type == F.MULTI else (codes[0] if codes else None)
    text = str(cell).strip()
    if control_characters(text):
        row.problems.append(_("%(field)s holds control characters.") % {"field": label})
        return None
    if len(text) > MAX_LENGTH.get(spec.code, 200):
        row.problems.append(_("%(field)s is too long.") % {"field": label})
        return None
    return text


def checked_rows(register: RegisterImport, content: bytes | None = None) -> Iterator[Row]:
    """Every data row of the file, converted to the fields' values, with its problems in the reader's
    language (a row with a problem is never written)."""
    content = content if content is not None else file_content(register)
    specs = F.fields_of(register.kind)
    columns = {int(col): specs[code] for col, code in register.columns.items() if code in specs}
    today = timezone.localdate(timezone=register.window.country.zoneinfo)
    region = register.window.country.code
    source = reading.numbered_rows(content, register.file_format, register.sheet)
    next(source, None)
    for number, cells in source:
        row = Row(number)
        for col, spec in columns.items():
            value = _value(register, spec, cells[col] if col < len(cells) else "", row, today)
            if value not in (None, "", []):
                row.data[spec.code] = value
        for spec in specs.values():
            if (
                spec.required
                and spec.code not in row.data
                and not any(spec.label and str(spec.label) in p for p in row.problems)
            ):
                row.problems.append(_("%(field)s is missing.") % {"field": spec.label})
        if register.kind == F.PEOPLE and row.data.get("stage"):
            if not (row.data.get("pathway") and row.data.get("case_opened")):
                row.problems.append(_("A stage needs the pathway and the date the case was opened."))
            elif row.data["stage"] == Stage.APPROVED and not row.data.get("permit_type"):
                row.problems.append(_("An approved process needs the permit type."))
        if register.kind == F.PEOPLE and row.data.get("phone") and parse_phone(row.data["phone"], region) is None:
            row.problems.append(
                _("Phone: “%(value)s” is not a phone number we can read.") % {"value": row.data["phone"]}
            )
        yield row


def unmatched(register: RegisterImport) -> dict[str, Counter]:
    """{list: Counter(value as written)} of the values no list knows and the clerk has not decided."""
    found: dict[str, Counter] = {}
    for row in checked_rows(register):
        for name, raw in row.unmatched:
            found.setdefault(name, Counter())[raw] += 1
    return found


@dataclass
class Preview:
    total: int = 0
    ready: int = 0
    with_problems: list[Row] = field(default_factory=list)
    problem_count: int = 0
    sample: list[Row] = field(default_factory=list)


def preview(register: RegisterImport, *, shown: int = 50) -> Preview:
    result = Preview()
    for row in checked_rows(register):
        result.total += 1
        if row.problems:
            result.problem_count += 1
            if len(result.with_problems) < shown:
                result.with_problems.append(row)
        else:
            result.ready += 1
            if len(result.sample) < 10:
                result.sample.append(row)
    return result


# --- the run -------------------------------------------------------------------------------------------------


@transaction.atomic
def confirm(*, register: RegisterImport, by: Any) -> RegisterImport:
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    if register.status != Status.READY:
        raise RegisterError(_("Decide every value that is not in the lists before confirming."))
    register.status = Status.QUEUED
    register.save(update_fields=["status"])
    return register


def _fingerprint(register: RegisterImport, row: Row, seen: Counter) -> str:
    """A keyed hash per window: the register's record number when mapped, else the row's values with how
    often the same values came before in the file (two equal anonymous consultations are two)."""
    if row.data.get("record_id"):
        return crypto.keyed_hash(f"registers|{register.window_id}|{register.kind}|id|{row.data['record_id']}")
    values = json.dumps(row.data, sort_keys=True, default=str)
    base = hashlib.sha256(f"{register.kind}|{values}".encode()).digest()[:16]
    seen[base] += 1  # 16 bytes per row of a file without record numbers
    return crypto.keyed_hash(f"registers|{register.window_id}|{base.hex()}|{seen[base]}")


def _local_moment(day: date, window: InformationWindow) -> datetime:
    """Noon of the day at the window: the day the figures count it on, whatever the clock."""
    return datetime.combine(day, time(12), tzinfo=window.country.zoneinfo)


def _consultation_data(row: Row) -> dict:
    data = row.data
    values = {"date": data["date"]}
    for name in ("nationality", "sex", "channel", "topics"):
        if name in data:
            values[name] = data[name]
    if "age" in data:
        values["age_group"] = AgeGroup.for_age(data["age"])
    if "referred" in data:
        values["referred"] = data["referred"] == "yes"
    return values


PERSON_DATA = ("given_names", "family_names", "date_of_birth", "sex", "nationality", "document_number", "phone")


def _match(register: RegisterImport, by: Any, data: dict) -> tuple[str, Person | None]:
    """The search before creating a person, as at the window: ("same", the window's record with the same
    document number), ("likely", the best match with a score of ``LIKELY`` or more) or ("none", None)."""
    window = register.window
    names = f"{data.get('given_names', '')} {data.get('family_names', '')}".strip()
    matches = [
        m
        for m in case_selectors.find_people(
            by,
            names=names,
            date_of_birth=data.get("date_of_birth"),
            document_number=data.get("document_number", ""),
            phone=data.get("phone", ""),
        )
        if m.person.window_id == window.pk
    ]
    document = normalise_document_number(data.get("document_number", ""))
    for m in matches:
        if document and normalise_document_number(m.person.document_number or "") == document:
            return "same", m.person
    likely = next((m.person for m in matches if m.score >= LIKELY), None)
    return ("likely", likely) if likely is not None else ("none", None)


def _person(register: RegisterImport, by: Any, data: dict, person: Person | None = None) -> dict:
    """Write the row: its person (``person`` when given, the one it was found to be; else registered, with
    consent as the source recorded it), then its case and the case's process. Returns what was made."""
    window = register.window
    result: dict = {"days": [], "case": None, "person_created": False}
    if person is None:
        person_data = {k: data[k] for k in PERSON_DATA if k in data}
        person_data["preferred_language"] = window.country.default_language
        consent_at = _local_moment(data["consent_date"], window)
        person, _created = case_services.create_person(
            window=window, by=by, data=person_data, consents=["processing"], consent_given_at=consent_at
        )
        result["person_created"] = True
    result["person"] = person
    if data.get("case_opened"):
        opened = data["case_opened"]
        existing = Case.objects.filter(person=person, window=window, opened_at__date=opened).first()
        if existing is None:
            case, _created = case_services.open_case(
                person=person,
                window=window,
                by=by,
                needs=data.get("needs", []),
                opened_at=_local_moment(opened, window),
            )
            result["case"] = case
            result["days"].append(opened)
            if data.get("stage"):
                result["days"] += _process(register, by, case, data)
    return result


# The stages a process goes through to reach each stage, from preparing (cases.services.TRANSITIONS).
STAGE_PATHS = {
    Stage.PREPARING: [],
    Stage.DOCUMENTS_COMPLETE: [Stage.DOCUMENTS_COMPLETE],
    Stage.SUBMITTED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED],
    Stage.IN_REVIEW: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW],
    Stage.APPROVED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.APPROVED],
    Stage.DENIED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED],
    Stage.APPEALED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED, Stage.APPEALED],
    Stage.WITHDRAWN: [Stage.WITHDRAWN],
}


def _process(register: RegisterImport, by: Any, case: Case, data: dict) -> list[date]:
    """Start the case's process on its pathway the day the case was opened and move it, through the cases
    services, to the stage the register gives, on the stage's date (the stages between on the same date:
    the register keeps only the last). A stage past preparing means the documents were complete: the
    required ones are marked received. Returns the days that count it."""
    from cases.models import RegularizationPathway

    pathway = RegularizationPathway.objects.get(country_id=register.window.country_id, slug=data["pathway"])
    started = data["case_opened"]
    on = max(data.get("stage_date") or started, started)
    process = case_services.start_process(case=case, pathway=pathway, by=by, on=started)
    for stage in STAGE_PATHS[data["stage"]]:
        if stage == Stage.DOCUMENTS_COMPLETE:
            for item in process.checklist.filter(required=True):
                case_services.set_checklist_status(item=item, status=ChecklistStatus.RECEIVED, by=by)
        process = case_services.move_process(
            process=process, to=stage, by=by, on=on,
            permit_type=data.get("permit_type", "") if stage == Stage.APPROVED else "",
        )  # fmt: skip
    return [started, on]


def run(register_id: int) -> str:
    """Import (or go on importing) the rows of a confirmed file; returns "more" when rows remain for the
    next task, "done" at the end, "" when there is nothing to run."""
    with transaction.atomic():
        register = RegisterImport.objects.select_for_update().filter(pk=register_id).first()
        if register is None or register.status not in (Status.QUEUED, Status.RUNNING, Status.INTERRUPTED):
            return ""
        register.status = Status.RUNNING
        register.started_at = register.started_at or timezone.now()
        register.save(update_fields=["status", "started_at", "touched_at"])
    by = register.created_by
    seen: Counter = Counter()
    chunk: list[tuple[Row, str]] = []
    written = 0
    news = _News(register)
    try:
        for row in checked_rows(register):
            fingerprint = _fingerprint(register, row, seen)
            if row.number - 1 <= register.processed_rows:
                continue  # written by an earlier run
            chunk.append((row, fingerprint))
            if len(chunk) == CHUNK:
                news.add(_write(register, by, chunk))
                written += len(chunk)
                chunk = []
                if written >= (
                    ROWS_PER_TASK if register.kind == F.CONSULTATIONS else min(ROWS_PER_TASK, PEOPLE_PER_TASK)
                ):
                    news.send(final=True)
                    return "more"
        if chunk:
            news.add(_write(register, by, chunk))
    except Exception:
        RegisterImport.objects.filter(pk=register.pk).update(status=Status.INTERRUPTED)
        news.send(final=True)  # what was committed counts
        raise
    _finish(register, by)
    news.send(final=True)
    return "done"


# While a run goes on, the days its chunks wrote are told at most this often (each telling recomputes them).
TELL_EVERY = timedelta(seconds=30)


class _News:
    """The days a run has written and not yet told (``signals.days_changed``): told after the first chunk,
    then at most every ``TELL_EVERY``, and at the end of each task's part."""

    def __init__(self, register: RegisterImport) -> None:
        self.country_id = register.window.country_id
        self.days: set[date] = set()
        self.told: datetime | None = None
        self.sent = False

    def add(self, days: set[date]) -> None:
        self.days |= days
        if self.told is None or timezone.now() - self.told >= TELL_EVERY:
            self.send(final=False)

    def send(self, *, final: bool) -> None:
        # The end is told even with no day left (the readers' last work, such as tables computed for the
        # next view), when the run had written some.
        if self.days or (final and self.sent):
            tell(self.country_id, self.days, final=final, empty=final)
            self.sent = True
        self.days, self.told = set(), timezone.now()


def tell(country_id: int, days: set[date], *, final: bool, empty: bool = False) -> None:
    """Tell the rooms reading the records that these days of the country changed (after the commit)."""
    if days or empty:
        # A reader that fails (a broker out of reach) never stops the import: the beat's refresh finds the
        # days later.
        answers = signals.days_changed.send_robust(
            sender=RegisterImport, country_id=country_id, days=set(days), final=final
        )
        for receiver, answer in answers:
            if isinstance(answer, Exception):
                logger.warning("register import: %s failed on the days changed: %r", receiver.__qualname__, answer)


@transaction.atomic
def _write(register: RegisterImport, by: Any, chunk: list[tuple[Row, str]]) -> set[date]:
    """One chunk in one transaction, with the import's progress: all of it or none. Returns the local days
    its records count on."""
    counts = Counter(register.counts)
    days: set[str] = set()
    known = set(
        ImportedRow.objects.filter(window=register.window, fingerprint__in=[f for _r, f in chunk]).values_list(
            "fingerprint", flat=True
        )
    )
    fresh = []
    for row, fingerprint in chunk:
        if row.problems:
            counts["rows_with_problems"] += 1
        elif fingerprint in known:
            counts["already_imported"] += 1
        else:
            known.add(fingerprint)
            fresh.append((row, fingerprint))
    imported = []
    if register.kind == F.CONSULTATIONS:
        # Consultations are anonymous: nobody to look for first, so a chunk is written in a few inserts.
        made = case_services.log_consultations(
            window=register.window, by=by, rows=[_consultation_data(row) for row, _f in fresh]
        )
        for (row, fingerprint), consultation in zip(fresh, made, strict=True):
            imported.append(_imported(register, row, fingerprint, consultation=consultation))
            days.add(row.data["date"].isoformat())
        counts["consultations"] += len(made)
    else:
        for row, fingerprint in fresh:
            found, person = _match(register, by, row.data)
            if found == "likely":
                # Never created twice: held, nothing written, until the clerk decides (``decide``).
                counts["likely_duplicates"] += 1
                imported.append(
                    _imported(register, row, fingerprint, likely_duplicate=person, decision=Decision.PENDING,
                              held_data=_pack(row.data))
                )  # fmt: skip
                continue
            try:
                with transaction.atomic():
                    made = _person(register, by, row.data, person)
            except case_services.CaseError:
                counts["rows_with_problems"] += 1
                continue
            counts["people_created" if made["person_created"] else "people_found"] += 1
            if made["case"]:
                counts["cases_opened"] += 1
            days.update(d.isoformat() for d in made["days"])
            imported.append(
                _imported(
                    register,
                    row,
                    fingerprint,
                    person=made["person"],
                    person_created=made["person_created"],
                    case=made["case"],
                    consent_recorded_on=row.data.get("consent_date") if made["person_created"] else None,
                )
            )
    written_at = timezone.now()  # after every record of the chunk: what comes later is staff's work
    for row in imported:
        row.written_at = written_at
    bulk.create(ImportedRow, imported)
    register.counts = {name: n for name, n in counts.items() if n}
    register.days = sorted(days.union(register.days))
    register.processed_rows = chunk[-1][0].number - 1
    register.save(update_fields=["counts", "days", "processed_rows", "touched_at"])
    return {date.fromisoformat(d) for d in days}


def _imported(register: RegisterImport, row: Row, fingerprint: str, **made) -> ImportedRow:
    # By id: a related object given to a model's constructor costs a descriptor's checks per row.
    return ImportedRow(
        register_import_id=register.pk, window_id=register.window_id, number=row.number, fingerprint=fingerprint,
        **made,
    )  # fmt: skip


def _pack(data: dict) -> str:
    """A held row's values (they identify a person: the field is encrypted with the field keys)."""
    return json.dumps(data, default=str)


def held_values(register: RegisterImport, row: ImportedRow) -> dict:
    """The values of a row held for a decision, as the run read them (dates as dates)."""
    data = json.loads(row.held_data)
    specs = F.fields_of(register.kind)
    for code, value in data.items():
        if code in specs and specs[code].type == F.DATE and value:
            data[code] = date.fromisoformat(value)
    return data


def pending(register: RegisterImport):
    """The rows held because their person looks like someone the window had registered, in file order."""
    return register.rows.filter(decision=Decision.PENDING).select_related("likely_duplicate").order_by("number")


@dataclass
class Decided:
    same: int = 0
    new: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row number, why, translated)
    days: set[date] = field(default_factory=set)  # the local days the records written count on


def decide(*, register: RegisterImport, by: Any, choices: dict[int, str]) -> Decided:
    """The clerk's decision on rows held as likely duplicates ({imported row id: "same" or "new"}): "same"
    adds the row's case and process to the person registered before, "new" registers the person as any
    other row. The row's held values are then emptied; the import's counts and days follow, and the days
    written are told once committed."""
    result = _decide(register=register, by=by, choices=choices)
    tell(register.window.country_id, result.days, final=True)
    return result


@transaction.atomic
def _decide(*, register: RegisterImport, by: Any, choices: dict[int, str]) -> Decided:
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    if register.status != Status.DONE or not RegisterImport.objects.writable_by(by).filter(pk=register.pk).exists():
        raise RegisterError(_("The rows of this import can no longer be decided."))
    if any(choice not in (Decision.SAME, Decision.NEW) for choice in choices.values()):
        raise RegisterError(_("Choose what each row is."))
    counts, days, result = Counter(register.counts), set(register.days), Decided()
    for row in pending(register).filter(pk__in=list(choices)).select_for_update(of=("self",)):
        choice, person = choices[row.pk], None
        if choice == Decision.SAME:
            person = row.likely_duplicate
            while person is not None and person.merged_into_id:
                person = person.merged_into  # merged since: the record it went into
            if person is None or person.anonymised_at:
                result.refused.append((row.number, _("The record proposed is gone: register the row as new.")))
                continue
        data = held_values(register, row)
        try:
            with transaction.atomic():
                made = _person(register, by, data, person)
        except case_services.CaseError as error:
            result.refused.append((row.number, error.message))
            continue
        counts["people_created" if made["person_created"] else "people_matched"] += 1
        counts["cases_opened"] += 1 if made["case"] else 0
        days.update(d.isoformat() for d in made["days"])
        result.days.update(made["days"])
        row.person, row.person_created, row.case = made["person"], made["person_created"], made["case"]
        row.consent_recorded_on = data.get("consent_date") if made["person_created"] else None
        row.decision, row.held_data, row.written_at = choice, "", timezone.now()
        row.save(
            update_fields=["person", "person_created", "case", "consent_recorded_on", "decision", "held_data",
                           "written_at"]
        )  # fmt: skip
        setattr(result, choice, getattr(result, choice) + 1)
    register.counts = {name: n for name, n in counts.items() if n}
    register.days = sorted(days)
    register.save(update_fields=["counts", "days", "touched_at"])
    if result.same or result.new:
        case_services.record_audit(
            user=by,
            action=AuditEntry.Action.CHANGE,
            obj=register,
            details={"likely_duplicates": {"same": result.same, "new": result.new}},
        )
    return result


@transaction.atomic
def _finish(register: RegisterImport, by: Any) -> None:
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    register.status = Status.DONE
    register.finished_at = timezone.now()
    register.processed_rows = register.total_rows
    register.content = None  # the file held personal data: nothing of it is kept once imported
    register.save()
    case_services.record_audit(
        user=by,
        action=AuditEntry.Action.CREATE,
        obj=register,
        details={"kind": register.kind, "rows": register.total_rows, **register.counts},
    )


def may_resume(register: RegisterImport, now: datetime | None = None) -> bool:
    """An interrupted run, or one that has written nothing for ``STALLED`` (its worker stopped)."""
    now = now or timezone.now()
    return register.status == Status.INTERRUPTED or (
        register.status in (Status.RUNNING, Status.QUEUED) and register.touched_at < now - STALLED
    )


STALLED = timedelta(minutes=10)


# --- undo ----------------------------------------------------------------------------------------------------


# What the records of an import may have from the import itself; anything else on them is staff's work.
# Relations not named here (referrals, follow-ups, appointments, handovers, status checks, household members,
# vulnerabilities, arrivals, and those of rooms added later) count as later work wherever they point.
OWN_RELATIONS = {"registers.importedrow", "cases.timelineentry", "cases.consultation", "cases.consent",
                 "cases.case", "cases.person", "cases.regularizationprocess", "cases.checklistitem"}  # fmt: skip
# Audit actions that write (a view, a search, an export or a refusal changes nothing).
WRITING = [
    AuditEntry.Action.CREATE, AuditEntry.Action.CHANGE, AuditEntry.Action.STAGE, AuditEntry.Action.MERGE,
    AuditEntry.Action.ERASE, AuditEntry.Action.ANONYMISE,
]  # fmt: skip


def _reverse_relations(model) -> list:
    return [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]


def later_work(register: RegisterImport, rows: list[ImportedRow]) -> dict[int, set[str]]:
    """{imported row id: reasons} of the rows whose records staff have added to since the import wrote them:
    a consultation logged on or linked to the case, a timeline entry (a stage moved, a document received, a
    note, a closing...), an audit entry that writes, a merge, another case of the person, or any record of
    another kind pointing at the case, its process or the person. Reasons are codes (``kept_reasons``)."""
    found: dict[int, set[str]] = {}
    since = {r.pk: r.written_at or register.finished_at for r in rows}
    by_case = {r.case_id: r for r in rows if r.case_id}
    by_person = {r.person_id: r for r in rows if r.person_created and r.person_id}
    own_cases = set(
        ImportedRow.objects.filter(register_import=register).exclude(case=None).values_list("case_id", flat=True)
    )

    def flag(row: ImportedRow, reason: str) -> None:
        found.setdefault(row.pk, set()).add(reason)

    consultation_rows = {r.consultation_id: r for r in rows if r.consultation_id}
    for pk in (
        Consultation.objects.filter(pk__in=list(consultation_rows)).exclude(case=None).values_list("pk", flat=True)
    ):
        flag(consultation_rows[pk], "model:cases.consultation")

    if by_case:
        own_consultations = set(consultation_rows)
        for case_id, pk in Consultation.objects.filter(case_id__in=list(by_case)).values_list("case_id", "pk"):
            if pk not in own_consultations:
                flag(by_case[case_id], "model:cases.consultation")
        for case_id, kind, at in TimelineEntry.objects.filter(case_id__in=list(by_case)).values_list(
            "case_id", "kind", "at"
        ):
            row = by_case[case_id]
            if since[row.pk] is None or at > since[row.pk]:
                flag(row, f"timeline:{kind}")
        for case_id, person_id in Case.objects.filter(pk__in=list(by_case)).values_list("pk", "person_id"):
            if person_id != by_case[case_id].person_id:
                flag(by_case[case_id], "merged")  # the case went with its person into another record
        processes = dict(RegularizationProcess.objects.filter(case_id__in=list(by_case)).values_list("pk", "case_id"))
        for model, targets, rows_of in ((Case, list(by_case), by_case), (RegularizationProcess, list(processes), None)):
            for relation in _reverse_relations(model):
                label = relation.related_model._meta.label_lower
                if label in OWN_RELATIONS:
                    continue
                name = relation.field.name
                for target in relation.related_model._base_manager.filter(**{f"{name}__in": targets}).values_list(
                    name, flat=True
                ):
                    flag(rows_of[target] if rows_of else by_case[processes[target]], f"model:{label}")
    if by_person:
        for person_id in (
            Case.objects.filter(person_id__in=list(by_person))
            .exclude(pk__in=own_cases)
            .values_list("person_id", flat=True)
        ):
            flag(by_person[person_id], "other_case")
        for person_id in Person.objects.filter(merged_into_id__in=list(by_person)).values_list(
            "merged_into_id", flat=True
        ):
            flag(by_person[person_id], "merged")
        for person_id in (
            Person.objects.filter(pk__in=list(by_person)).exclude(merged_into=None).values_list("pk", flat=True)
        ):
            flag(by_person[person_id], "merged")
        for person_id, given, withdrawn in Consent.objects.filter(person_id__in=list(by_person)).values_list(
            "person_id", "given_at", "withdrawn_at"
        ):
            row = by_person[person_id]
            if since[row.pk] is None or given > since[row.pk] or withdrawn is not None:
                flag(row, "consent")
        for relation in _reverse_relations(Person):
            label = relation.related_model._meta.label_lower
            if label in OWN_RELATIONS:
                continue
            name = relation.field.name
            for target in relation.related_model._base_manager.filter(**{f"{name}__in": list(by_person)}).values_list(
                name, flat=True
            ):
                flag(by_person[target], f"model:{label}")
    audits = AuditEntry.objects.filter(action__in=WRITING).filter(
        Q(case_id__in=list(by_case)) | Q(person_id__in=list(by_person))
    )
    for case_id, person_id, action, at in audits.values_list("case_id", "person_id", "action", "at"):
        for row in (by_case.get(case_id), by_person.get(person_id)):
            if row is not None and (since[row.pk] is None or at > since[row.pk]):
                flag(row, f"audit:{action}")
    return found


def kept_reasons(codes: list[str]) -> list[str]:
    """The reasons undo kept a row's records, in the reader's language."""
    from django.apps import apps

    texts = []
    for code in codes:
        kind, _sep, name = code.partition(":")
        if kind == "timeline" and name in TimelineEntry.Kind.values:
            texts.append(str(TimelineEntry.Kind(name).label))
        elif kind == "audit" and name in AuditEntry.Action.values:
            texts.append(str(AuditEntry.Action(name).label))
        elif kind == "model":
            try:
                texts.append(str(apps.get_model(name)._meta.verbose_name))
            except LookupError:
                continue
        elif code == "merged":
            texts.append(_("merged with another record"))
        elif code == "other_case":
            texts.append(_("the person has another case"))
        elif code == "consent":
            texts.append(_("consent recorded or withdrawn"))
    return sorted(set(texts))


def undo(*, register: RegisterImport, by: Any) -> dict[str, int]:
    """Undo the import (``_undo``), then tell the days its records counted on, once committed."""
    counts = _undo(register=register, by=by)
    days = RegisterImport.objects.filter(pk=register.pk).values_list("days", flat=True).get()
    tell(register.window.country_id, {date.fromisoformat(d) for d in days}, final=True)
    return counts


@transaction.atomic
def _undo(*, register: RegisterImport, by: Any) -> dict[str, int]:
    """Remove what the import created: its consultations, cases and the people it registered, except the
    records staff have added to since (``later_work``): those are kept whole (case, process and person), their
    rows keep their fingerprints (the file imported again does not write them twice) and say why. The days
    touched are kept for the roll-ups."""
    register = RegisterImport.objects.select_for_update().get(pk=register.pk)
    if not register.may_undo(by):
        raise RegisterError(_("This import can no longer be undone."))
    rows = list(
        ImportedRow.objects.filter(register_import=register)
        .filter(Q(consultation__isnull=False) | Q(case__isnull=False) | Q(person_created=True, person__isnull=False))
        .only("pk", "number", "consultation_id", "case_id", "person_id", "person_created", "written_at", "kept")
        .select_for_update()
    )
    kept = later_work(register, rows)
    kept_rows = [r for r in rows if r.pk in kept]
    kept_people = {r.person_id for r in kept_rows if r.person_id}
    kept_cases = {r.case_id for r in kept_rows if r.case_id}
    # A person keeps any case kept, wherever it came from.
    kept_people |= set(Case.objects.filter(pk__in=kept_cases).values_list("person_id", flat=True))
    gone = [r for r in rows if r.pk not in kept]
    consultation_ids = [r.consultation_id for r in gone if r.consultation_id]
    case_ids = [r.case_id for r in gone if r.case_id and r.case_id not in kept_cases]
    person_ids = {r.person_id for r in gone if r.person_created and r.person_id} - kept_people
    counts = {
        "consultations": Consultation.objects.filter(pk__in=consultation_ids).delete()[1].get("cases.Consultation", 0),
        "cases": Case.objects.filter(pk__in=case_ids).delete()[1].get("cases.Case", 0),
    }
    counts["people"] = Person.objects.filter(pk__in=person_ids).delete()[1].get("cases.Person", 0)
    counts["kept"] = len(kept_rows)
    counts["consultations_kept"] = sum(1 for r in kept_rows if r.consultation_id)
    counts["cases_kept"] = len(kept_cases)
    counts["people_kept"] = sum(1 for r in kept_rows if r.person_created and r.person_id)
    for row in kept_rows:
        row.kept = sorted(kept[row.pk])
    ImportedRow.objects.bulk_update(kept_rows, ["kept"])
    ImportedRow.objects.filter(register_import=register).exclude(pk__in=[r.pk for r in kept_rows]).delete()
    register.status = Status.UNDONE
    register.undone_at = timezone.now()
    register.undone_by = by
    register.save(update_fields=["status", "undone_at", "undone_by", "touched_at"])
    details: dict = {"undone": counts}
    if kept_rows:
        # Ids and codes only: which records were kept, and why.
        details["kept"] = {
            str(r.number): {
                "case": r.case_id,
                "person": r.person_id if r.person_created else None,
                "consultation": r.consultation_id,
                "why": r.kept,
            }
            for r in kept_rows
        }
    case_services.record_audit(user=by, action=AuditEntry.Action.ERASE, obj=register, details=details)
    return counts


# --- retention -----------------------------------------------------------------------------------------------

ABANDONED = timedelta(days=7)


def forget_abandoned(*, now: datetime) -> int:
    """Delete the uploads never confirmed and untouched for ``ABANDONED``: their file held personal data and
    nothing was imported from them. Returns how many."""
    stale = RegisterImport.objects.filter(status__in=[Status.MAPPING, Status.READY], touched_at__lt=now - ABANDONED)
    return stale.delete()[1].get("registers.RegisterImport", 0)


UNDECIDED = timedelta(days=30)


def forget_undecided(*, now: datetime) -> int:
    """Delete the rows held as likely duplicates and left undecided for ``UNDECIDED`` after their import
    ended: their values identify a person and nothing was written for them (the file, imported again, brings
    them back to decide). Returns how many."""
    stale = ImportedRow.objects.filter(decision=Decision.PENDING, register_import__finished_at__lt=now - UNDECIDED)
    return stale.delete()[1].get("registers.ImportedRow", 0)
