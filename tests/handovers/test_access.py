"""Who reaches a handover: the sending window and its country's officer, the receiving window and its country's
officer; a third country nothing. Every page of the app, both methods."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _urls(handover, case_pk, erasure_pk):
    return [
        f"/en/staff/handovers/{handover.pk}/",
        f"/en/staff/handovers/{handover.pk}/slip/",
        f"/en/staff/handovers/{handover.pk}/code/",
        f"/en/staff/handovers/{handover.pk}/code/new/",
        f"/en/staff/handovers/{handover.pk}/route/",
        f"/en/staff/handovers/{handover.pk}/accept/",
        f"/en/staff/handovers/{handover.pk}/decline/",
        f"/en/staff/handovers/{handover.pk}/withdraw/",
        f"/en/staff/handovers/{handover.pk}/status-check/",
        f"/en/staff/handovers/cases/{case_pk}/new/",
        f"/en/staff/handovers/erasure/{erasure_pk}/done/",
    ]


def test_the_matrix_names_every_page_of_the_app():
    """A page added to the app without a line here fails: every pattern with a record in it is checked."""
    from django.urls import resolve

    from handovers.urls import urlpatterns

    with_records = {p.name for p in urlpatterns if p.pattern.converters}
    reached = {resolve(url).url_name for url in _urls(type("H", (), {"pk": 1}), 2, 3)}
    assert reached == with_records


def _erasure_asked_of_the_sender(handover, window_hn, person):
    from django.utils import timezone

    from handovers.models import ErasureRequest

    return ErasureRequest.objects.create(
        handover=handover, window=window_hn, person=person, asked_at=timezone.now(), due_on=timezone.localdate()
    )


def test_a_third_country_reaches_nothing(client, send, staff_mx, file_hn, window_hn):
    handover = send()
    erasure = _erasure_asked_of_the_sender(handover, window_hn, file_hn["person"])
    client.force_login(staff_mx)
    for url in _urls(handover, file_hn["case"].pk, erasure.pk):
        for method in (client.get, client.post):
            assert method(url).status_code in (404, 405), url
    listing = client.get("/en/staff/handovers/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Reyes Canario" not in page and "Tegucigalpa" not in page


def test_the_receiving_window_reads_the_summary_only_and_changes_nothing_of_the_sender(
    client, send, staff_gt, file_hn, window_hn
):
    handover = send()
    erasure = _erasure_asked_of_the_sender(handover, window_hn, file_hn["person"])
    client.force_login(staff_gt)
    assert client.post(f"/en/staff/handovers/{handover.pk}/code/new/").status_code == 403
    assert client.post(f"/en/staff/handovers/erasure/{erasure.pk}/done/").status_code == 404
    assert client.get(f"/en/staff/handovers/{handover.pk}/").status_code == 200
    assert client.get(f"/en/staff/handovers/{handover.pk}/slip/").status_code == 403
    assert client.post(f"/en/staff/handovers/{handover.pk}/code/").status_code == 403
    assert client.get(f"/en/staff/handovers/cases/{file_hn['case'].pk}/new/").status_code == 404
    for url in (f"/en/staff/cases/{file_hn['case'].pk}/", f"/en/staff/cases/people/{file_hn['person'].pk}/"):
        assert client.get(url).status_code == 404


def test_the_receiving_window_never_reads_the_sender_other_people(client, send, staff_gt, staff_hn, window_hn):
    from tests.cases.factories import make_case, make_person

    other = make_person(window_hn, staff_hn, given_names="Otro", family_names="Vecino Xyzoculto")
    make_case(window_hn, staff_hn, person=other)
    send()
    client.force_login(staff_gt)
    for url in ("/en/staff/handovers/", "/en/staff/cases/", f"/en/staff/cases/people/{other.pk}/"):
        assert "Xyzoculto" not in client.get(url).content.decode()


def test_the_sending_country_officer_reads_but_does_not_act(client, send, hn, file_hn):
    from tests.factories import Role, UserFactory, member

    officer = UserFactory(username="officer-hn")
    member(officer, Role.COUNTRY_OFFICER, country_obj=hn)
    handover = send()
    client.force_login(officer)
    assert client.get(f"/en/staff/handovers/{handover.pk}/").status_code == 200
    assert client.post(f"/en/staff/handovers/{handover.pk}/withdraw/").status_code == 403
    assert client.post(f"/en/staff/handovers/{handover.pk}/accept/").status_code == 403
    assert client.get(f"/en/staff/handovers/cases/{file_hn['case'].pk}/new/").status_code == 403


def test_a_visitor_is_sent_to_the_login(client, send):
    handover = send()
    response = client.get(f"/en/staff/handovers/{handover.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
