"""Demo handovers: the sample rules per pair of countries and two handovers from data/demo/handovers.json, one
accepted (San José → Panama City) and one waiting for its answer (Panama City → San José). Idempotent: each
handover has a form token derived from its place in the file."""

from __future__ import annotations

import uuid

from django.db import transaction

from cases.models import Case, CaseStatus
from statuscheck.models import StatusAccess
from ventanillas.models import Country, InformationWindow, Membership, Role
from ventanillas.reference import read_data

from . import services
from .models import Handover, PairRule

SEED = uuid.UUID("0b7f6a3e-52c4-4d1e-9a43-2f1d8e6c5a71")


def _staff(window: InformationWindow):
    membership = Membership.objects.filter(role=Role.WINDOW_STAFF, window=window).select_related("user").first()
    return membership.user if membership else None


def _case(window: InformationWindow) -> Case | None:
    """An open case of the window, with no status check (the status-check demo keeps its own) and not yet
    handed over."""
    handed = Handover.objects.values("case_id")
    with_check = StatusAccess.objects.values("process__case_id")
    return (
        Case.objects.filter(window=window, status=CaseStatus.OPEN, person__anonymised_at__isnull=True)
        .exclude(pk__in=handed)
        .exclude(pk__in=with_check)
        .exclude(person__merged_into__isnull=False)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    data = read_data("demo/handovers.json")
    countries = {c.code: c for c in Country.objects.all()}
    for rule in data["rules"]:
        if rule["from"] in countries and rule["to"] in countries:
            PairRule.objects.get_or_create(
                from_country=countries[rule["from"]],
                to_country=countries[rule["to"]],
                defaults={"decision": rule["decision"], "legal_basis": rule.get("legal_basis", "")},
            )
    for number, item in enumerate(data["handovers"]):
        token = uuid.uuid5(SEED, str(number))
        if Handover.objects.filter(form_token=token).exists():
            continue
        source = InformationWindow.objects.filter(slug=item["from_window"]).select_related("country").first()
        target = InformationWindow.objects.filter(slug=item["to_window"]).select_related("country").first()
        if source is None or target is None:
            continue
        sender, receiver, case = _staff(source), _staff(target), _case(source)
        if sender is None or receiver is None or case is None:
            continue
        handover = services.start_handover(
            case=case,
            by=sender,
            to_country=target.country,
            to_window=target,
            parts=item["parts"],
            notes_shared=[],
            purpose=item["purpose"],
            consent_method=item["consent"],
            consent_language=item["language"],
            form_token=token,
        )
        if item["accept"]:
            services.accept(handover=handover, by=receiver)
    if stdout:
        stdout.write(f"  handovers between countries: {Handover.objects.count()} (see /es/staff/handovers/)\n")
    return []
