"""The stage workflow of a regularization process: every allowed move, and refusals of the rest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, ChecklistStatus, RegularizationProcess, Stage, TimelineEntry
from cases.services import TRANSITIONS, CaseError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# A path from "preparing" to each stage, through allowed moves only.
PATH_TO = {
    Stage.PREPARING: [],
    Stage.DOCUMENTS_COMPLETE: [Stage.DOCUMENTS_COMPLETE],
    Stage.SUBMITTED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED],
    Stage.IN_REVIEW: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW],
    Stage.APPROVED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.APPROVED],
    Stage.DENIED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED],
    Stage.APPEALED: [Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED, Stage.APPEALED],
    Stage.WITHDRAWN: [Stage.WITHDRAWN],
}


def _receive_all(process):
    process.checklist.update(status=ChecklistStatus.RECEIVED)


def _move(process, to, by):
    permit = {"permit_type": "Residencia temporal"} if to == Stage.APPROVED else {}
    return services.move_process(process=process, to=to, by=by, **permit)


def _bring_to(process, stage, by):
    _receive_all(process)
    for step in PATH_TO[stage]:
        process = _move(process, step, by)
    return process


ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in sorted(targets)]
REFUSED = [(source, target) for source in Stage.values for target in Stage.values if target not in TRANSITIONS[source]]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_move_is_accepted_and_recorded(process_cr, staff_cr, source, target):
    process = _bring_to(process_cr, source, staff_cr)
    process = _move(process, target, staff_cr)
    process.refresh_from_db()
    assert process.stage == target
    assert TimelineEntry.objects.filter(case=process.case, kind="stage", details__target=target).exists()
    assert AuditEntry.objects.filter(action="stage", object_id=str(process.pk), details__target=target).exists()


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_move_outside_the_workflow_is_refused_with_a_message(process_cr, staff_cr, source, target):
    process = _bring_to(process_cr, source, staff_cr)
    with pytest.raises(CaseError) as error:
        _move(process, target, staff_cr)
    assert "cannot move" in error.value.message
    process.refresh_from_db()
    assert process.stage == source


def test_documents_complete_is_refused_while_a_required_document_is_missing(process_cr, staff_cr):
    with pytest.raises(CaseError) as error:
        services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr)
    assert "Pasaporte vigente" in error.value.message
    for item in process_cr.checklist.filter(required=True):
        services.set_checklist_status(item=item, status=ChecklistStatus.RECEIVED, by=staff_cr)
    # The optional photo may stay missing.
    process = services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr)
    assert process.stage == Stage.DOCUMENTS_COMPLETE


def test_the_checklist_is_made_from_the_pathway(process_cr):
    assert [(i.name, i.required, i.status) for i in process_cr.checklist.all()] == [
        ("Pasaporte vigente", True, "missing"),
        ("Certificado de antecedentes", True, "missing"),
        ("Fotografías", False, "missing"),
    ]


def test_approval_records_decision_permit_and_processing_time(case_cr, pathway_cr, staff_cr):
    today = timezone.localdate()
    process_cr = services.start_process(case=case_cr, pathway=pathway_cr, by=staff_cr, on=today - timedelta(days=60))
    _receive_all(process_cr)
    services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr, on=today - timedelta(days=50))
    services.move_process(process=process_cr, to=Stage.SUBMITTED, by=staff_cr, on=today - timedelta(days=45))
    process = services.move_process(
        process=process_cr,
        to=Stage.APPROVED,
        by=staff_cr,
        permit_number="DIMEX-1",
        permit_type="Residencia temporal",
        permit_expires_on=today + timedelta(days=700),
    )
    process.refresh_from_db()
    assert process.approved is True
    assert process.processing_days == 45
    assert process.permit_number == "DIMEX-1"
    assert RegularizationProcess.objects.regularized().count() == 1


def test_a_date_in_the_future_or_before_the_previous_stage_is_refused(process_cr, staff_cr):
    _receive_all(process_cr)
    with pytest.raises(CaseError, match="future"):
        services.move_process(
            process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr, on=timezone.localdate() + timedelta(days=1)
        )
    with pytest.raises(CaseError, match="previous stage"):
        services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr, on=date(2000, 1, 1))


def test_a_pathway_of_another_country_is_refused(case_cr, staff_cr, pa):
    from tests.cases.factories import PathwayFactory

    with pytest.raises(CaseError, match="country"):
        services.start_process(case=case_cr, pathway=PathwayFactory(country=pa), by=staff_cr)


def test_a_closed_case_refuses_stage_moves_until_reopened(process_cr, staff_cr):
    _receive_all(process_cr)
    services.close_case(case=process_cr.case, by=staff_cr, reason="other")
    with pytest.raises(CaseError, match="closed"):
        services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr)
    services.reopen_case(case=process_cr.case, by=staff_cr)
    assert (
        services.move_process(process=process_cr, to=Stage.DOCUMENTS_COMPLETE, by=staff_cr).stage
        == "documents_complete"
    )


def test_back_to_preparing_clears_the_documents_complete_date(process_cr, staff_cr):
    process = _bring_to(process_cr, Stage.DOCUMENTS_COMPLETE, staff_cr)
    process = services.move_process(process=process, to=Stage.PREPARING, by=staff_cr)
    assert process.documents_complete_at is None


def test_a_second_process_cannot_start_while_one_is_under_way(process_cr, pathway_cr, staff_cr):
    with pytest.raises(CaseError, match="under way"):
        services.start_process(case=process_cr.case, pathway=pathway_cr, by=staff_cr)
