"""CSV and XLSX of a filtered case list: pseudonymous (case and person numbers, no names or identifiers)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpers.spreadsheets import download

from .models import Case


def _rows(cases) -> tuple[list[str], list[list]]:
    header = [
        _("Case"),
        _("Person"),
        _("Window"),
        _("Opened"),
        _("Status"),
        _("Nationality"),
        _("Sex"),
        _("Age group"),
        _("Pathway"),
        _("Stage"),
        _("Submitted"),
        _("Decided"),
    ]
    rows = []
    for case in cases.select_related("person", "window").prefetch_related("processes__pathway"):
        process = next(iter(case.processes.all()), None)
        rows.append(
            [
                case.pk,
                case.person_id,
                str(case.window),
                timezone.localtime(case.opened_at).date().isoformat(),
                str(case.get_status_display()),
                case.person.get_nationality_display() or _("Not stated"),
                str(case.person.get_sex_display()),
                str(case.person.get_age_group_display()),
                process.pathway.name if process else "",
                str(process.get_stage_display()) if process else "",
                process.submitted_at.isoformat() if process and process.submitted_at else "",
                process.decided_at.isoformat() if process and process.decided_at else "",
            ]
        )
    return header, rows


def export_cases(cases: Case, fmt: str) -> HttpResponse:
    header, rows = _rows(cases)
    return download([header, *rows], fmt=fmt, filename=f"cases-{timezone.localdate().isoformat()}")
