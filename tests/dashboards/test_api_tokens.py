"""API tokens end: each has an expiry, can be listed with its last use and revoked from the command line, and
none is issued to an account that could not use the API."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from dashboards.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/en/staff/dashboards/api/v1"


def _command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_token_works_for_the_days_it_was_given_then_answers_401_saying_it_expired(world, officer_cr, settings):
    output = _command("create_api_token", officer_cr.username, "--days", "7")
    raw = output.strip().splitlines()[-1]
    token = ApiToken.objects.get(user=officer_cr)
    assert "valid 7 days" in output
    assert Client().get(f"{API}/indicators/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1), tick=False):
        response = Client().get(f"{API}/indicators/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["reason"] == "expired" and body["expired_at"] == token.expires_at.isoformat()
    assert "expired" in body["error"]


def test_a_token_without_days_works_for_the_default(officer_cr, settings):
    settings.API_TOKEN_DAYS = 30
    _command("create_api_token", officer_cr.username)
    token = ApiToken.objects.get(user=officer_cr)
    assert (token.expires_at - token.created_at).days in (29, 30)


def test_no_token_for_an_inactive_account_or_one_without_a_role(officer_cr):
    nobody = UserFactory(username="no-role")
    with pytest.raises(CommandError, match="no role"):
        _command("create_api_token", "no-role")
    officer_cr.is_active = False
    officer_cr.save()
    with pytest.raises(CommandError, match="not active"):
        _command("create_api_token", officer_cr.username)
    assert not ApiToken.objects.filter(user__in=[nobody, officer_cr]).exists()


def test_tokens_are_listed_with_their_last_use_and_revoked_by_their_first_characters(world, officer_cr):
    used, raw = ApiToken.issue(user=officer_cr, name="report builder")
    idle, _raw = ApiToken.issue(user=officer_cr, name="spare")
    Client().get(f"{API}/indicators/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    listing = _command("list_api_tokens")
    used_line = next(line for line in listing.splitlines() if line.startswith(used.prefix))
    idle_line = next(line for line in listing.splitlines() if line.startswith(idle.prefix))
    assert "report builder" in used_line and "active" in used_line and "last used never" not in used_line
    assert "last used never" in idle_line
    assert "revoked" in _command("revoke_api_token", used.prefix)
    assert Client().get(f"{API}/indicators/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert used.prefix not in _command("list_api_tokens")
    assert "revoked" in next(line for line in _command("list_api_tokens", "--all").splitlines() if used.prefix in line)
    with pytest.raises(CommandError):
        _command("revoke_api_token", used.prefix)


def test_no_token_starts_with_a_dash_that_the_revoking_command_would_read_as_an_option(world, officer_cr, monkeypatch):
    drawn = iter(["-dashfirst" + "x" * 33, "plainfirst" + "x" * 33])
    monkeypatch.setattr("dashboards.models.secrets.token_urlsafe", lambda n: next(drawn))
    token, raw = ApiToken.issue(user=officer_cr, name="cli")
    assert raw.startswith("plainfirst") and token.prefix == "plainfir"
    assert "revoked" in _command("revoke_api_token", token.prefix)
