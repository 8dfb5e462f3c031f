"""Reads of handovers: what a handover shares (the summary the receiving window reads, in the reader's
language), the handovers of a person for their subject-access export, and the lists of a window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from cases.models import (
    Case,
    ChecklistStatus,
    DocumentType,
    FollowUp,
    Person,
    RegularizationProcess,
    Stage,
    Vulnerability,
)
from ventanillas.models import Service

from .models import ErasureRequest, Handover, Part


@dataclass
class Text:
    """Free text written at the sending window: shown with its language (``lang``)."""

    text: str
    lang: str


@dataclass
class Document:
    kind: str
    country: str = ""
    valid: str = ""  # "valid", "expired" or "" (not known)
    until: date | None = None
    number: str | None = None  # only when the numbers were chosen
    name: Text | None = None  # a document of a checklist, named in the pathway's language


@dataclass
class Step:
    pathway: Text
    stage: str
    started_at: date | None
    submitted_at: date | None
    decided_at: date | None


@dataclass
class Summary:
    identity: dict[str, object] | None = None
    documents: list[Document] | None = None
    needs: list[str] | None = None
    vulnerabilities: list[str] | None = None
    history: list[Step] | None = None
    notes: list[tuple[str, Text]] = field(default_factory=list)
    erased: bool = False


def summary(handover: Handover) -> Summary:
    """What the handover shares, read now from the sending window's records, with every taxonomy in the
    active language and every free text marked with its language. Nothing of a part not chosen is read."""
    person = Person.objects.get(pk=handover.person_id)
    case = Case.objects.select_related("window__country").get(pk=handover.case_id)
    lang = handover.from_window.written_in
    result = Summary(erased=bool(person.anonymised_at))
    if result.erased:
        return result
    parts = set(handover.parts)
    processes = list(
        RegularizationProcess.objects.filter(case=case).select_related("pathway").order_by("started_at", "pk")
    )
    if Part.IDENTITY in parts:
        result.identity = {
            "given_names": person.given_names,
            "family_names": person.family_names,
            "date_of_birth": person.date_of_birth,
            "birth_date_estimated": person.birth_date_estimated,
            "sex": person.get_sex_display(),
            "nationality": person.nationality.name if person.nationality else "",
            "language": person.get_preferred_language_display(),
        }
    if Part.DOCUMENTS in parts:
        numbers = Part.DOCUMENT_NUMBERS in parts
        result.documents = []
        if person.document_type:
            result.documents.append(
                Document(
                    kind=str(DocumentType(person.document_type).label),
                    country=person.document_country.name if person.document_country else "",
                    number=(person.document_number or "") if numbers else None,
                )
            )
        today = timezone.localdate()
        for process in processes:
            if process.stage == Stage.APPROVED and (process.permit_type or process.permit_expires_on):
                expires = process.permit_expires_on
                result.documents.append(
                    Document(
                        kind=process.permit_type,
                        valid="" if expires is None else ("valid" if expires >= today else "expired"),
                        until=expires,
                        number=(process.permit_number or "") if numbers else None,
                        name=Text(process.permit_type, lang),
                    )
                )
            for item in process.checklist.filter(status=ChecklistStatus.RECEIVED):
                result.documents.append(Document(kind="", name=Text(item.name, process.pathway.documents_language)))
    if Part.NEEDS in parts:
        services = dict(Service.choices)
        vulnerabilities = dict(Vulnerability.choices)
        result.needs = [str(services[code]) for code in case.needs if code in services]
        result.vulnerabilities = [
            str(vulnerabilities[code]) for code in person.vulnerabilities.values_list("code", flat=True)
        ]
    if Part.HISTORY in parts:
        result.history = [
            Step(
                pathway=Text(p.pathway.name, p.pathway.name_language),
                stage=str(Stage(p.stage).label),
                started_at=p.started_at,
                submitted_at=p.submitted_at,
                decided_at=p.decided_at,
            )
            for p in processes
        ]
    result.notes = chosen_notes(handover, person, case, lang)
    return result


def chosen_notes(handover: Handover, person: Person, case: Case, lang: str) -> list[tuple[str, Text]]:
    """The notes chosen one by one, and only those: (what the note is about, its text)."""
    from django.utils.translation import gettext as _

    notes = []
    for key in handover.notes_shared:
        if key == "person" and person.notes:
            notes.append((_("Notes on the person"), Text(person.notes, lang)))
        elif key == "case" and case.notes:
            notes.append((_("Notes on the case"), Text(case.notes, lang)))
        elif key.startswith("follow_up:"):
            follow_up = FollowUp.objects.filter(case=case, pk=key.split(":", 1)[1]).first()
            if follow_up is not None and follow_up.note:
                notes.append((_("Follow-up"), Text(follow_up.note, lang)))
    return notes


def of_case(case: Case) -> list[Handover]:
    """The handovers a case was sent with or opened by (for the case's page)."""
    handovers = Handover.objects.filter(case=case) | Handover.objects.filter(received_case=case)
    # Most cases have none: a plain look first, as the read with its three related rows costs a few
    # milliseconds to build on every case page.
    if not handovers.exists():
        return []
    return list(handovers.select_related("from_window__country", "to_country", "to_window"))


def open_erasure_requests(user) -> list[ErasureRequest]:
    from ventanillas import access

    return list(
        ErasureRequest.objects.filter(access.record_scope(user, window_path="window"), done_at__isnull=True)
        .select_related("handover", "window")
        .order_by("due_on")
    )


def person_section(person: Person) -> list[dict]:
    """The handovers of a person for their subject-access export (``privacy.subject_access``): what was
    shared with which country and window, why, the consent and its withdrawal, the answer, and every
    recorded share, look, acceptance and withdrawal (from the audit log)."""
    from cases.models import AuditEntry

    rows = (Handover.objects.filter(person=person) | Handover.objects.filter(received_person=person)).select_related(
        "from_window__country", "to_country", "to_window"
    )
    data = []
    for h in rows.order_by("sent_at"):
        events = AuditEntry.objects.filter(object_type="handovers.handover", object_id=str(h.pk)).order_by("at", "pk")
        data.append(
            {
                "id": h.pk,
                "from_country": h.from_window.country.code,
                "from_window": str(h.from_window),
                "to_country": h.to_country.code,
                "to_window": str(h.to_window) if h.to_window else None,
                "parts": h.parts,
                "notes_shared": len(h.notes_shared),
                "purpose": h.purpose,
                "legal_basis": h.legal_basis,
                "consent_method": h.consent_method,
                "consent_given_at": h.consent_given_at.isoformat() if h.consent_given_at else None,
                "consent_withdrawn_at": h.consent_withdrawn_at.isoformat() if h.consent_withdrawn_at else None,
                "status": h.status,
                "sent_at": h.sent_at.isoformat(),
                "answered_at": h.decided_at.isoformat() if h.decided_at else None,
                "decline_reason": h.decline_reason or "",
                "events": [
                    {
                        "at": e.at.isoformat(),
                        "action": e.action,
                        "event": e.details.get("event", ""),
                        **({"via": e.details["via"]} if e.details.get("via") else {}),
                    }
                    for e in events
                ],
            }
        )
    return data
