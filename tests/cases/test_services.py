"""People, consent, search, merge, erasure, retention and the observed processing time."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, Case, Consultation, Person, RegularizationProcess, Stage
from cases.selectors import find_people, pathway_processing_time
from cases.services import CaseError
from tests.cases.factories import PathwayFactory, make_case, make_person
from ventanillas.models import PartnerOrganisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_document_number_phone_and_notes_are_encrypted_in_the_database(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, document_number="AB-123456", phone="+506 8888 1111", notes="Llegó sola")
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_number, phone, notes FROM cases_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()
    assert all(value and "123456" not in value and "8888" not in value and "sola" not in value for value in raw)
    person.refresh_from_db()
    # The phone is kept in E.164, whatever the format it was typed in.
    assert (person.document_number, person.phone, person.notes) == ("AB-123456", "+50688881111", "Llegó sola")


def test_exact_search_on_document_and_phone_works_through_the_keyed_hash(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, document_number="AB-123456", phone="+506 8888 1111")
    by_doc = find_people(staff_cr, document_number="ab 123456")
    by_phone = find_people(staff_cr, phone="506-8888-1111")
    assert [m.person for m in by_doc] == [person]
    assert "Same document number" in by_doc[0].reasons
    assert [m.person for m in by_phone] == [person]
    assert person.document_number_hash != services.identifier_hash("phone", "AB-123456")


@pytest.mark.parametrize(
    "query",
    ["maria jose perez gomez", "PÉREZ GÓMEZ María José", "Maria Jose Peres", "gomez maria", "Maira Jsoe Pérez"],
)
def test_search_tolerates_accents_case_order_and_small_misspellings(window_cr, staff_cr, query):
    person = make_person(window_cr, staff_cr)
    make_person(window_cr, staff_cr, given_names="Jean", family_names="Pierre")
    matches = find_people(staff_cr, names=query)
    assert [m.person for m in matches] == [person]
    assert matches[0].reasons


@pytest.mark.parametrize(
    "query, given, family",
    [
        ("Ramon Castiyo", "Ramón", "Castillo Hernández"),  # "ll" and "y" sound alike
        ("Jozef Wilner", "Wilner", "Joseph"),  # a Kreyòl spelling of a French name
        ("Ana Biyalobos", "Ana", "Villalobos"),  # "v" and "b", "ll" and "y": three letters off
    ],
)
def test_search_finds_a_name_written_as_it_sounds(window_cr, staff_cr, query, given, family):
    person = make_person(window_cr, staff_cr, given_names=given, family_names=family)
    make_person(window_cr, staff_cr, given_names="Jean", family_names="Pierre")
    assert [m.person for m in find_people(staff_cr, names=query)] == [person]


def test_search_explains_a_date_of_birth_match(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, date_of_birth=date(1990, 5, 1))
    [match] = find_people(staff_cr, names="Maria Perez", date_of_birth=date(1990, 5, 1))
    assert match.person == person
    assert "Same date of birth" in match.reasons


def test_search_never_returns_people_of_another_country(window_cr, staff_cr, window_pa, staff_pa):
    make_person(window_cr, staff_cr, document_number="X1")
    assert find_people(staff_pa, names="María José Pérez", document_number="X1") == []


def test_creating_a_person_without_consent_under_the_consent_basis_is_refused(window_cr, staff_cr):
    with pytest.raises(CaseError, match="consent"):
        make_person(window_cr, staff_cr, consents=())
    person = make_person(window_cr, staff_cr, consents=(), legal_basis="vital_interest")
    assert person.legal_basis == "vital_interest"


def test_a_future_date_of_birth_is_refused(window_cr, staff_cr):
    with pytest.raises(CaseError, match="future"):
        make_person(window_cr, staff_cr, date_of_birth=timezone.localdate() + timedelta(days=1))


def test_a_resubmitted_intake_form_creates_one_record(window_cr, staff_cr):
    token = uuid.uuid4()
    data = {"date": timezone.localdate(), "topics": ["regularization"], "nationality": "HT"}
    first, created = services.log_consultation(window=window_cr, by=staff_cr, data=data, form_token=token)
    again, created_again = services.log_consultation(window=window_cr, by=staff_cr, data=data, form_token=token)
    assert (created, created_again) == (True, False)
    assert first == again
    assert Consultation.objects.count() == 1


def test_referral_needs_consent_to_share_and_stops_when_withdrawn(window_cr, staff_cr, cr):
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr, services=["health"])
    case = make_case(window_cr, staff_cr)
    with pytest.raises(CaseError, match="share"):
        services.refer(case=case, partner=partner, service="health", by=staff_cr)
    services.record_consent(person=case.person, kinds=["share_partners"], notice_language="es", by=staff_cr)
    referral = services.refer(case=case, partner=partner, service="health", by=staff_cr)
    assert referral.status == "sent"
    services.withdraw_consent(person=case.person, kind="share_partners", by=staff_cr)
    with pytest.raises(CaseError, match="share"):
        services.refer(case=case, partner=partner, service="health", by=staff_cr)


def test_referral_status_follows_its_workflow(window_cr, staff_cr, cr):
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)
    case = make_case(
        window_cr, staff_cr, person=make_person(window_cr, staff_cr, consents=["processing", "share_partners"])
    )
    referral = services.refer(case=case, partner=partner, service="health", by=staff_cr)
    with pytest.raises(CaseError):
        services.update_referral(referral=referral, status="completed", feedback="", by=staff_cr)
    services.update_referral(referral=referral, status="accepted", feedback="", by=staff_cr)
    referral = services.update_referral(referral=referral, status="completed", feedback="Atendida", by=staff_cr)
    assert (referral.status, referral.feedback) == ("completed", "Atendida")


def test_merging_duplicates_keeps_every_case_and_the_history(window_cr, staff_cr):
    keep = make_person(window_cr, staff_cr, phone="")
    duplicate = make_person(window_cr, staff_cr, given_names="Maria", family_names="Peres", phone="+506 7000 0000")
    case_keep, case_dup = make_case(window_cr, staff_cr, person=keep), make_case(window_cr, staff_cr, person=duplicate)
    services.merge_people(keep=keep, duplicate=duplicate, by=staff_cr)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(keep.cases.all()) == {case_keep, case_dup}
    assert keep.phone == "+50670000000"
    assert duplicate.merged_into == keep
    assert case_dup.timeline.filter(kind="merged").exists()
    assert find_people(staff_cr, names="Maria Peres") == [
        m for m in find_people(staff_cr, names="Maria Peres") if m.person == keep
    ]
    assert AuditEntry.objects.filter(action="merge", person_id=keep.pk).exists()


def test_erasing_a_person_keeps_only_statistics(window_cr, staff_cr):
    person = make_person(
        window_cr, staff_cr, date_of_birth=date(1990, 1, 1), document_number="X1", phone="8888 5555", sex="female"
    )
    case = make_case(window_cr, staff_cr, person=person, notes="Historia personal")
    services.erase_person(person=person, by=staff_cr)
    person.refresh_from_db()
    case.refresh_from_db()
    assert (person.given_names, person.family_names, person.date_of_birth) == ("—", "", None)
    assert not person.document_number and not person.phone and not person.document_number_hash
    assert (person.sex, person.age_group) == ("female", "30-59")
    assert not case.notes
    assert AuditEntry.objects.filter(action="erase", person_id=person.pk).exists()


def test_the_retention_command_anonymises_only_closed_cases_past_the_country_period(window_cr, staff_cr, cr):
    cr.retention_days = 30
    cr.save()
    old = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Ana"))
    recent = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Rosa"))
    still_open = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Luz"))
    for case in (old, recent):
        services.close_case(case=case, by=staff_cr, reason="resolved")
    Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    call_command("anonymise_expired_cases", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Person.objects.get(pk=old.person_id).given_names == "—"
    assert Person.objects.get(pk=recent.person_id).given_names == "Rosa"
    assert Person.objects.get(pk=still_open.person_id).given_names == "Luz"
    assert Case.objects.get(pk=old.pk).anonymised_at is not None


def _decided_process(case, pathway, submitted: date, decided: date, approved=True):
    return RegularizationProcess.objects.create(
        case=case,
        pathway=pathway,
        stage=Stage.APPROVED if approved else Stage.DENIED,
        started_at=submitted,
        submitted_at=submitted,
        decided_at=decided,
        approved=approved,
    )


def test_processing_time_is_the_observed_median_once_ten_decisions_exist(window_cr, staff_cr, cr):
    pathway = PathwayFactory(country=cr, typical_processing_days=90)
    case = make_case(window_cr, staff_cr)
    today = date(2026, 6, 1)
    for days in range(20, 29):  # nine decisions: not enough
        _decided_process(case, pathway, today - timedelta(days=days + 10), today - timedelta(days=10))
    assert pathway_processing_time(pathway, today=today).source == "typical"
    _decided_process(case, pathway, today - timedelta(days=40), today - timedelta(days=10), approved=False)
    # A decision older than 12 months does not count.
    _decided_process(case, pathway, date(2024, 1, 1), date(2025, 1, 1))
    result = pathway_processing_time(pathway, today=today)
    assert (result.source, result.sample_size, result.days) == ("observed", 10, 24)


def _referral(window_cr, staff_cr, cr):
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)
    case = make_case(
        window_cr, staff_cr, person=make_person(window_cr, staff_cr, consents=["processing", "share_partners"])
    )
    return services.refer(case=case, partner=partner, service="health", by=staff_cr)


def test_a_referral_of_a_closed_case_cannot_be_updated_until_it_is_reopened(window_cr, staff_cr, cr):
    referral = _referral(window_cr, staff_cr, cr)
    services.close_case(case=referral.case, by=staff_cr, reason="resolved")
    with pytest.raises(CaseError, match=r"This case is closed\. Reopen it"):
        services.update_referral(referral=referral, status="accepted", feedback="Recibida", by=staff_cr)
    referral.refresh_from_db()
    assert (referral.status, referral.feedback) == ("sent", "")
    services.reopen_case(case=referral.case, by=staff_cr)
    assert services.update_referral(referral=referral, status="accepted", feedback="", by=staff_cr).status == "accepted"


def test_a_referral_status_outside_the_workflow_is_refused_with_a_message(window_cr, staff_cr, cr):
    referral = _referral(window_cr, staff_cr, cr)
    with pytest.raises(CaseError, match=r"Choose a status\.") as error:
        services.update_referral(referral=referral, status="lost", feedback="", by=staff_cr)
    assert error.value.field == "status"
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_follow_up_of_a_closed_case_cannot_be_marked_done(window_cr, staff_cr):
    case = make_case(window_cr, staff_cr)
    follow_up = services.plan_follow_up(
        case=case, due_on=timezone.localdate(), assigned_to=staff_cr, note="Llamar", by=staff_cr
    )
    services.close_case(case=case, by=staff_cr, reason="resolved")
    with pytest.raises(CaseError, match=r"This case is closed\. Reopen it"):
        services.complete_follow_up(follow_up=follow_up, by=staff_cr)
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
    assert not case.timeline.filter(kind="follow_up_done").exists()
