"""The three personas against the staff pages of the skeleton and the scoping helpers."""

from __future__ import annotations

from ventanillas import access
from ventanillas.models import InformationWindow


def test_window_staff_see_and_edit_only_their_window(staff_cr, window_cr, window_cr2, window_pa):
    assert set(access.visible_windows(staff_cr)) == {window_cr}
    assert set(access.visible_windows(staff_cr, write=True)) == {window_cr}


def test_a_country_officer_reads_every_window_of_the_country_and_edits_none(
    officer_cr, window_cr, window_cr2, window_pa
):
    assert set(access.visible_windows(officer_cr)) == {window_cr, window_cr2}
    assert not access.visible_windows(officer_cr, write=True).exists()


def test_record_scope_keeps_other_countries_out(staff_pa, window_cr, window_pa):
    scoped = InformationWindow.objects.filter(access.record_scope(staff_pa, window_path=""))
    assert list(scoped) == [window_pa]


def test_an_anonymous_visitor_sees_no_record(client, window_cr):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible_windows(AnonymousUser()).exists()


def test_staff_home_lists_the_personas_windows(staff_cr_client, officer_cr_client, staff_pa_client, window_cr2):
    assert "Ventanilla San José" in staff_cr_client.get("/es/staff/").content.decode()
    officer_page = officer_cr_client.get("/en/staff/").content.decode()
    assert "Ventanilla Upala" in officer_page and "read only" in officer_page
    assert "Ventanilla San José" not in staff_pa_client.get("/es/staff/").content.decode()


def test_the_staff_area_requires_login(client, db):
    response = client.get("/es/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/es/accounts/login/")


def test_staff_save_their_windows_contact_details(staff_cr_client, window_cr):
    url = f"/en/staff/windows/{window_cr.pk}/"
    assert staff_cr_client.get(url).status_code == 200
    response = staff_cr_client.post(
        url,
        {"phone": "+506 2222 3333", "whatsapp": "", "email": "sj@example.org", "services": ["information", "legal"]},
    )
    assert response.status_code == 302
    window_cr.refresh_from_db()
    assert window_cr.phone == "+506 2222 3333" and window_cr.services == ["information", "legal"]


def test_bad_input_is_refused_with_a_translated_error_and_kept_on_the_form(staff_cr_client, window_cr):
    response = staff_cr_client.post(
        f"/es/staff/windows/{window_cr.pk}/", {"phone": "call me maybe", "email": "sj@example.org"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Escriba un número de teléfono solo con dígitos" in html
    assert 'value="call me maybe"' in html and 'value="sj@example.org"' in html
    window_cr.refresh_from_db()
    assert window_cr.phone == ""


def test_a_country_officer_may_read_but_not_edit_a_window(officer_cr_client, window_cr):
    assert officer_cr_client.get(f"/es/staff/windows/{window_cr.pk}/").status_code == 403


def test_another_countrys_window_is_a_404(staff_pa_client, window_cr):
    assert staff_pa_client.get(f"/es/staff/windows/{window_cr.pk}/").status_code == 404


def test_the_wrong_method_is_refused(staff_cr_client, window_cr):
    assert staff_cr_client.put(f"/es/staff/windows/{window_cr.pk}/").status_code == 405
    assert staff_cr_client.post("/es/cr/windows/").status_code == 405


def test_staff_home_links_officers_to_the_reports_and_not_people_without_figures(officer_cr_client, client, db):
    from tests.factories import UserFactory

    assert "/es/staff/notifications/reports/" in officer_cr_client.get("/es/staff/").content.decode()
    client.force_login(UserFactory(username="nobody"))
    assert "/es/staff/notifications/reports/" not in client.get("/es/staff/").content.decode()
