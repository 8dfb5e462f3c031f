"""Staff accounts against a stolen or guessed password: second factor, lockout, reset limits, session ends."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import Role, UserFactory, member

PASSWORD = "a-test-password"


def _login(client: Client, username: str, password: str = PASSWORD, lang: str = "es"):
    return client.post(f"/{lang}/accounts/login/", {"username": username, "password": password})


def _code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- the second factor -------------------------------------------------------------------------------------


def test_a_password_alone_opens_no_staff_page_and_asks_to_set_up_the_app(staff_cr):
    client = Client()
    assert _login(client, "staff_cr").status_code == 302
    response = client.get("/es/staff/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/accounts/two-factor/setup/?next=/es/staff/cases/")


def test_the_admin_needs_the_second_factor_too(admin_user, password_only_login):
    client = Client()
    password_only_login(client, admin_user)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_pairing_an_app_gives_recovery_codes_and_opens_the_staff_area(staff_cr):
    client = Client()
    _login(client, "staff_cr")
    page = client.get("/en/accounts/two-factor/setup/?next=/en/staff/").content.decode()
    assert "data:image/svg+xml" in page  # the QR code, served inline (no third party sees the key)
    device = TOTPDevice.objects.get(user=staff_cr, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page

    wrong = client.post("/en/accounts/two-factor/setup/", {"otp_token": "000000", "next": "/en/staff/"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.content.decode()

    device.refresh_from_db()
    # a wrong code makes the device wait (1 s, then 2, 4...) before it accepts another
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5), tick=False):
        data = {"otp_token": _code(device), "next": "/en/staff/"}
        response = client.post("/en/accounts/two-factor/setup/", data)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/two-factor/recovery-codes/")
    codes_page = client.get(response["Location"]).content.decode()
    codes = list(StaticToken.objects.filter(device__user=staff_cr).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in codes_page for code in codes)
    # shown once only
    assert codes[0] not in client.get("/en/accounts/two-factor/recovery-codes/").content.decode()
    assert client.get("/en/staff/").status_code == 200


def _paired(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    return device


def test_the_next_login_asks_for_the_code_and_accepts_a_recovery_code_once(staff_cr):
    _paired(staff_cr)
    client = Client()
    _login(client, "staff_cr")
    response = client.get("/es/staff/")
    assert response["Location"].startswith("/es/accounts/two-factor/?next=/es/staff/")
    bad = client.post("/es/accounts/two-factor/", {"otp_token": "abcd2346", "next": "/es/staff/"})
    assert bad.status_code == 200 and client.get("/es/staff/").status_code == 302
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5), tick=False):
        ok = client.post("/es/accounts/two-factor/", {"otp_token": "ABCD 2345", "next": "/es/staff/"})
    assert ok.status_code == 302 and ok["Location"] == "/es/staff/"
    assert client.get("/es/staff/").status_code == 200
    # a recovery code works once
    other = Client()
    _login(other, "staff_cr")
    again = other.post("/es/accounts/two-factor/", {"otp_token": "abcd2345", "next": "/es/staff/"})
    assert again.status_code == 200 and other.get("/es/staff/").status_code == 302


def test_a_code_from_the_app_passes(staff_cr):
    device = _paired(staff_cr)
    client = Client()
    _login(client, "staff_cr")
    response = client.post("/es/accounts/two-factor/", {"otp_token": _code(device), "next": "/es/staff/cases/"})
    assert response["Location"] == "/es/staff/cases/"
    assert client.get("/es/staff/cases/").status_code == 200


def test_the_code_page_does_not_send_a_user_to_another_site(staff_cr):
    device = _paired(staff_cr)
    client = Client()
    _login(client, "staff_cr")
    response = client.post("/es/accounts/two-factor/", {"otp_token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/es/staff/"


def test_a_password_reset_does_not_skip_the_second_factor(staff_cr):
    _paired(staff_cr)
    client = Client()
    client.post("/es/accounts/password_reset/", {"email": "staff_cr@example.org"})
    link = re.search(r"(/es/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "another-long-password-42"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert client.get("/es/staff/").status_code == 302  # the reset signed nobody in
    _login(client, "staff_cr", new)
    response = client.get("/es/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/es/accounts/two-factor/")


def test_accounts_without_a_role_see_public_pages_without_a_second_factor(db, password_only_login):
    client = Client()
    password_only_login(client, UserFactory(username="nobody"))
    assert client.get("/es/").status_code == 200


@pytest.mark.parametrize("role", [Role.REGIONAL_OFFICER, Role.TRAINER, Role.CONTENT_EDITOR, Role.COUNTRY_OFFICER])
def test_every_role_needs_the_second_factor(role, cr, password_only_login):
    user = UserFactory(username=f"u-{role}")
    member(user, role, country_obj=cr)
    client = Client()
    password_only_login(client, user)
    response = client.get("/es/staff/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


@pytest.mark.parametrize("debug", [True, False])
def test_a_demo_account_shows_its_code_only_on_a_development_server(debug, staff_cr, settings):
    from ventanillas.demo import DEMO_TOTP_KEY

    settings.DEMO_SECOND_FACTOR_HINT = debug
    device = TOTPDevice.objects.create(user=staff_cr, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    client = Client()
    _login(client, "staff_cr", lang="en")
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 0, 10, tzinfo=dt.UTC), tick=False):
        page = client.get("/en/accounts/two-factor/").content.decode()
        code = _code(device, at=dt.datetime(2026, 3, 2, 15, 0, 10, tzinfo=dt.UTC).timestamp())
    assert (f"the current code is <strong>{code}</strong>" in page) is debug


# --- lockout ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["staff_cr", "no-such-user"])
def test_ten_wrong_passwords_lock_the_username_with_the_same_answer_whether_it_exists(username, staff_cr):
    client = Client()
    for _i in range(10):
        response = _login(client, username, "wrong-password", lang="en")
    assert response.status_code == 429
    locked = _login(client, username, PASSWORD, lang="en")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed logins" in text and "30 minutes" in text
    assert "_auth_user_id" not in client.session


def test_the_locked_page_is_the_same_for_a_real_and_a_made_up_account(staff_cr):
    pages = []
    for address, username in (("10.0.0.1", "staff_cr"), ("10.0.0.2", "ghost")):
        client = Client(REMOTE_ADDR=address)
        for _i in range(11):
            response = _login(client, username, "wrong-password", lang="fr")
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        pages.append(re.sub(r'nonce="[^"]+"', "", body))
    assert pages[0] == pages[1]


def test_ten_failures_from_one_address_on_many_usernames_lock_that_address(staff_cr):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for number in range(10):
        _login(client, f"guess-{number}", "Winter2026!")
    assert _login(client, "staff_cr").status_code == 429
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "staff_cr").status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(staff_cr):
    client = Client()
    for _i in range(9):
        _login(client, "staff_cr", "wrong-password")
    assert _login(client, "staff_cr").status_code == 302
    client.logout()
    for _i in range(9):
        _login(client, "staff_cr", "wrong-password")
    assert _login(client, "staff_cr").status_code == 302


def test_successes_on_an_owned_account_do_not_walk_around_the_address_lock(staff_cr, staff_pa):
    attacker = Client(REMOTE_ADDR="10.0.0.9")
    for round_ in range(3):
        for number in range(9):
            _login(attacker, f"guess-{round_}-{number}", "Winter2026!")
        _login(attacker, "staff_pa")  # the attacker's own account: a password-only success
        attacker.logout()
    assert _login(attacker, "staff_pa").status_code == 429
    assert _login(attacker, "staff_cr").status_code == 429
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "staff_cr").status_code == 302


def test_a_success_from_one_address_does_not_clear_failures_on_the_username_from_another(staff_cr):
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for _i in range(9):
        _login(guesser, "staff_cr", "wrong-password")
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "staff_cr").status_code == 302
    _login(guesser, "staff_cr", "wrong-password")
    assert _login(Client(REMOTE_ADDR="10.0.0.11"), "staff_cr").status_code == 429


def test_logins_failures_and_lockouts_are_logged_without_secrets(staff_cr, caplog):
    caplog.set_level(logging.INFO, logger="accounts.security")
    client = Client()
    _login(client, "staff_cr")
    client.logout()
    for _i in range(10):
        _login(client, "staff_cr", "S3cret-typed-wrong")
    text = caplog.text
    assert f"login user={staff_cr.pk}" in text
    assert text.count("login failed") == 10 and "login locked out" in text
    assert "S3cret-typed-wrong" not in text and PASSWORD not in text
    assert "staff_cr" not in text and "127.0.0.1" not in text


# --- password resets ------------------------------------------------------------------------------------------


def test_twenty_reset_requests_for_one_address_send_three_e_mails(staff_cr):
    client = Client()
    for _i in range(20):
        response = client.post("/es/accounts/password_reset/", {"email": "staff_cr@example.org"})
        assert response.status_code == 302 and response["Location"] == "/es/accounts/password_reset/done/"
    assert len(mail.outbox) == 3


# --- session limits -------------------------------------------------------------------------------------------


START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def test_a_session_ends_after_thirty_minutes_without_a_request(staff_cr):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(staff_cr)
        assert client.get("/es/staff/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/es/staff/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # active: the idle clock restarted at the last request
        assert client.get("/es/staff/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/es/staff/cases/")
        assert response.status_code == 302 and response["Location"] == "/es/accounts/login/?next=/es/staff/cases/"
        assert client.get("/es/staff/").status_code == 302  # signed out, not just redirected once


def test_a_session_ends_eight_hours_after_the_login_however_active(staff_cr):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(staff_cr)
        client.get("/es/staff/")
        for _i in range(16):  # a request every 29 minutes: never idle, 7 h 44 min in all
            clock.shift(dt.timedelta(minutes=29))
            assert client.get("/es/staff/").status_code == 200
        clock.shift(dt.timedelta(minutes=20))
        assert client.get("/es/staff/").status_code == 302


# --- the session key changes with each step ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["app", "recovery"])
def test_the_key_seen_after_the_password_opens_nothing_once_the_code_is_typed(staff_cr, settings, code):
    device = _paired(staff_cr)
    client = Client()
    _login(client, "staff_cr")
    captured = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = _code(device) if code == "app" else "abcd2345"
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5), tick=False):
        response = client.post("/es/accounts/two-factor/", {"otp_token": token, "next": "/es/staff/cases/"})
    assert response["Location"] == "/es/staff/cases/"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != captured
    assert client.get("/es/staff/cases/").status_code == 200
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = captured
    assert attacker.get("/es/staff/cases/").status_code == 302


def test_pairing_the_app_gives_a_new_session_key(staff_cr, settings):
    client = Client()
    _login(client, "staff_cr")
    client.get("/es/accounts/two-factor/setup/?next=/es/staff/")
    captured = client.cookies[settings.SESSION_COOKIE_NAME].value
    device = TOTPDevice.objects.get(user=staff_cr, confirmed=False)
    client.post("/es/accounts/two-factor/setup/", {"otp_token": _code(device), "next": "/es/staff/"})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != captured
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = captured
    assert attacker.get("/es/staff/").status_code == 302


def test_a_password_change_gives_a_new_session_key(staff_cr_client, settings):
    captured = staff_cr_client.cookies[settings.SESSION_COOKIE_NAME].value
    data = {"old_password": PASSWORD, "new_password1": "another-long-pass-7", "new_password2": "another-long-pass-7"}
    assert staff_cr_client.post("/es/accounts/password_change/", data).status_code == 302
    assert staff_cr_client.cookies[settings.SESSION_COOKIE_NAME].value != captured
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = captured
    assert attacker.get("/es/staff/").status_code == 302
