"""The receiving side: routing by the country's officer, the search before creating, acceptance, declining,
and the status check that follows the person to the new case."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseStatus, Person
from handovers import services
from handovers.models import Handover, Status
from handovers.services import HandoverError

pytestmark = pytest.mark.django_db


def test_a_handover_to_the_country_is_routed_by_its_officer(send, officer_gt, staff_gt, staff_gt2, window_gt2, client):
    handover = send(to_window=None)
    assert not Handover.objects.received_by(staff_gt2).exists()
    assert Handover.objects.received_by(officer_gt).filter(pk=handover.pk).exists()
    with pytest.raises(HandoverError):
        services.accept(handover=handover, by=staff_gt2)
    with pytest.raises(HandoverError, match="officer"):
        services.route(handover=handover, window=window_gt2, by=staff_gt)
    client.force_login(officer_gt)
    response = client.post(f"/en/staff/handovers/{handover.pk}/route/", {"window": window_gt2.pk})
    assert response.status_code == 302
    assert Handover.objects.received_by(staff_gt2).filter(pk=handover.pk).exists()


def test_accepting_searches_the_window_own_people_first_and_links_the_one_chosen(client, send, staff_gt, window_gt):
    from tests.cases.factories import make_person

    known = make_person(window_gt, staff_gt, given_names="Ana Lucia", family_names="Reyes Canario")
    handover = send()
    client.force_login(staff_gt)
    page = client.get(f"/es/staff/handovers/{handover.pk}/accept/").content.decode()
    assert f'value="{known.pk}"' in page
    response = client.post(f"/es/staff/handovers/{handover.pk}/accept/", {"person": str(known.pk)})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == Status.ACCEPTED and handover.received_person == known
    assert Person.objects.filter(window=window_gt).count() == 1


def test_accepting_without_a_match_registers_the_person_from_the_shared_identity(
    client, send, staff_gt, window_gt, file_hn
):
    handover = send()
    client.force_login(staff_gt)
    page = client.get(f"/en/staff/handovers/{handover.pk}/accept/").content.decode()
    assert "No likely match among your people." in page
    response = client.post(f"/en/staff/handovers/{handover.pk}/accept/", {"person": "new"})
    handover.refresh_from_db()
    case = handover.received_case
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    person = case.person
    assert person.window == window_gt and person.full_name == "Ana Lucía Reyes Canario"
    assert person.document_type == "passport" and not person.document_number  # numbers were not chosen
    assert not person.notes and not person.phone
    assert set(case.needs) == {"regularization", "health"}
    assert list(person.vulnerabilities.values_list("code", flat=True)) == ["single_parent"]
    # the sending record is closed as "moved away": its services refuse changes
    sending = Case.objects.get(pk=file_hn["case"].pk)
    assert sending.status == CaseStatus.CLOSED and sending.close_reason == "moved"
    # the receiving window reads the history through the handover, never the sending case itself
    assert client.get(f"/en/staff/cases/{sending.pk}/").status_code == 404
    assert f"/en/staff/handovers/{handover.pk}/" in client.get(case.get_absolute_url()).content.decode()


def test_a_bad_choice_on_acceptance_keeps_the_form_and_says_why(client, send, staff_gt):
    handover = send()
    client.force_login(staff_gt)
    response = client.post(f"/en/staff/handovers/{handover.pk}/accept/", {"person": "12345"})
    assert response.status_code == 400
    assert Handover.objects.get(pk=handover.pk).status == Status.PENDING


def test_declining_needs_a_reason_the_sending_window_reads(client, send, staff_gt, staff_hn):
    handover = send()
    client.force_login(staff_gt)
    response = client.post(f"/en/staff/handovers/{handover.pk}/decline/", {"reason": ""})
    assert response.status_code == 400
    client.post(f"/en/staff/handovers/{handover.pk}/decline/", {"reason": "La persona ya no está en el país"})
    assert Handover.objects.get(pk=handover.pk).status == Status.DECLINED
    client.force_login(staff_hn)
    assert "La persona ya no está en el país" in client.get(f"/en/staff/handovers/{handover.pk}/").content.decode()


def test_the_status_check_follows_the_person_to_the_new_case_with_a_new_pin(send, staff_hn, staff_gt, file_hn):
    from cases import services as case_services
    from statuscheck import services as status
    from tests.cases.factories import pathway_with_documents

    access, old_pin = status.issue_pin(process=file_hn["process"], by=staff_hn)
    handover = send()
    with pytest.raises(HandoverError, match="accepted"):
        services.move_status_check(handover=handover, by=staff_gt)
    case = services.accept(handover=handover, by=staff_gt)
    with pytest.raises(HandoverError, match="Start a regularization process"):
        services.move_status_check(handover=Handover.objects.get(pk=handover.pk), by=staff_gt)
    process = case_services.start_process(
        case=case, pathway=pathway_with_documents(country=case.window.country, slug="residencia"), by=staff_gt
    )
    assert services.move_status_check(handover=Handover.objects.get(pk=handover.pk), by=staff_gt) == process
    kwargs = {"channel": "web", "client_key": "test"}
    assert not status.look_up(reference=access.reference, pin=old_pin, **kwargs).shown
    moved, new_pin = status.issue_pin(process=process, by=staff_gt)
    assert moved.reference == access.reference  # the person keeps one reference
    result = status.look_up(reference=access.reference, pin=new_pin, **kwargs)
    assert result.shown
    assert status.summary(result.access, "es").window_name == "Ventanilla Ciudad de Guatemala"


def test_the_sending_window_keeps_its_record_read_only(client, send, staff_gt, staff_hn, file_hn):
    from cases import services as case_services

    handover = send()
    services.accept(handover=handover, by=staff_gt)
    sending = Case.objects.get(pk=file_hn["case"].pk)
    with pytest.raises(case_services.CaseError, match="handed over"):
        case_services.reopen_case(case=sending, by=staff_hn)
    with pytest.raises(case_services.CaseError):
        case_services.update_case(case=sending, by=staff_hn, needs=[], notes="changed", assigned_to=staff_hn)
    client.force_login(staff_hn)
    client.post(f"/en/staff/cases/{sending.pk}/reopen/")
    assert Case.objects.get(pk=sending.pk).status == CaseStatus.CLOSED
    # its page still shows the file and the handover
    page = client.get(f"/en/staff/cases/{sending.pk}/").content.decode()
    assert "Reyes Canario" in page and f"/en/staff/handovers/{handover.pk}/" in page


def test_each_country_dashboard_shows_handovers_sent_and_received(client, send, staff_gt, staff_hn):
    from dashboards import rollups

    services.accept(handover=send(), by=staff_gt)
    rollups.rebuild()
    client.force_login(staff_hn)
    page = client.get("/en/staff/dashboards/hn/").content.decode()
    assert "Handovers sent to another country" in page and "Handovers received from another country" in page
