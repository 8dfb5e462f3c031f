from __future__ import annotations

from django.core import mail

from tests.factories import UserFactory


def test_login_page_is_the_portals_own_and_translated(client, db):
    html = client.get("/ht/accounts/login/").content.decode()
    assert '<html lang="ht">' in html
    assert "Koneksyon anplwaye" in html and "Modpas" in html


def test_wrong_credentials_are_refused_in_the_readers_language(client, db):
    UserFactory(username="ana")
    html = client.post("/fr/accounts/login/", {"username": "ana", "password": "nope"}).content.decode()
    assert "Saisissez un" in html and 'value="ana"' in html


def test_login_and_logout_round_trip(client, staff_cr):
    response = client.post("/es/accounts/login/", {"username": "staff_cr", "password": "a-test-password"})
    assert response.status_code == 302 and response["Location"] == "/es/staff/"
    assert client.post("/es/accounts/logout/").status_code == 302
    assert client.get("/es/staff/").status_code == 302


def test_password_reset_sends_a_link_in_the_users_language(client, staff_cr):
    response = client.post("/es/accounts/password_reset/", {"email": "staff_cr@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Restablezca su contraseña" in mail.outbox[0].subject
    assert "/es/accounts/reset/" in mail.outbox[0].body
