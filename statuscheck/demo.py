"""Demo status checks: one process being prepared in Costa Rica, Panama and the Dominican Republic gets a
known reference and PIN (and an appointment in five days), so that the person's page and the SMS answer can
be tried in ``make run``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import ChecklistStatus, RegularizationProcess, Stage
from ventanillas.models import Membership

from . import services
from .models import StatusAccess

# Fixed so that the README can name them; the letters avoid 0/O and 1/I/L like every reference.
DEMO_PIN = "135790"
DEMO_REFERENCES = {"CR": "DEMACR26", "PA": "DEMAPA26", "DO": "DEMADO26"}


def _demo_process(code: str) -> RegularizationProcess | None:
    """Preferably a process still being prepared with a document missing: the page then shows the most."""
    under_way = RegularizationProcess.objects.under_way().filter(
        case__window__country__code=code, case__person__anonymised_at__isnull=True
    )
    for narrower in (
        under_way.filter(stage=Stage.PREPARING, checklist__status=ChecklistStatus.MISSING),
        under_way.filter(stage=Stage.PREPARING),
        under_way,
    ):
        process = narrower.order_by("pk").first()
        if process is not None:
            return process
    return None


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    lines = []
    for code, reference in DEMO_REFERENCES.items():
        if not StatusAccess.objects.filter(reference=reference).exists():
            process = _demo_process(code)
            if process is None:
                continue
            staff = Membership.objects.filter(window=process.case.window).select_related("user").first()
            by = staff.user if staff else None
            if by is not None and not process.appointments.filter(at__gte=timezone.now()).exists():
                zone = process.case.window.country.zoneinfo
                day = timezone.localdate(timezone=zone) + timedelta(days=5)
                case_services.book_appointment(
                    process=process,
                    at=datetime.combine(day, time(10, 0), tzinfo=zone),
                    place=process.pathway.facts.filter(kind="authority").values_list("name", flat=True).first()
                    or process.case.window.name,
                    purpose="",
                    by=by,
                )
            access, _pin = services.issue_pin(process=process, by=by, pin=DEMO_PIN)
            access.reference = reference
            access.save(update_fields=["reference"])
        lines.append(f"    {services.format_reference(reference)} (PIN {DEMO_PIN}), {code}")
    if stdout and lines:
        stdout.write("  status checks to try at /es/status/ (or /ht/status/ ...):\n" + "\n".join(lines) + "\n")
    return []
