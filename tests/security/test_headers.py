"""Headers: a strict Content-Security-Policy with a fresh nonce, Permissions-Policy, no-store for staff."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core import signing
from django.test import Client, override_settings


def _nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def test_every_page_has_a_strict_policy_and_staff_pages_a_fresh_nonce(client, staff_cr_client):
    for response in (client.get("/es/"), client.get("/es/")):  # the second is the public page cache's copy
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=(self)" in response["Permissions-Policy"]
    first, second = staff_cr_client.get("/es/staff/"), staff_cr_client.get("/es/staff/")
    for response in (first, second):
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        # the staff script carries this request's nonce
        assert f'nonce="{_nonce(response)}"' in response.content.decode()
    assert _nonce(first) != _nonce(second)


def test_public_pages_may_be_cached_but_staff_pages_never(client, staff_cr_client):
    assert "no-store" not in client.get("/es/").get("Cache-Control", "")
    response = staff_cr_client.get("/es/staff/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_hub_editor_has_no_inline_style(db):
    from pathlib import Path

    from django.conf import settings

    templates = [
        *Path(settings.BASE_DIR).glob("*/templates/**/*.html"),
        *Path(settings.BASE_DIR).glob("templates/**/*.html"),
    ]
    assert templates
    # The emergency page alone carries its style inside it (readable once saved on a phone, with no other
    # file); its view allows exactly that style by its hash (tests/emergencies/test_public.py).
    hashed = Path(settings.BASE_DIR) / "emergencies" / "templates" / "emergencies" / "page.html"
    offenders = [
        str(path)
        for path in templates
        if re.search(r"\sstyle=|<style|<script(?![^>]*\bsrc=)(?![^>]*nonce)", path.read_text())
        and not (path == hashed and path.read_text().count("<style") == 1 and " style=" not in path.read_text())
    ]
    assert offenders == []


def test_the_worker_probe_is_not_public(client, db, settings):
    assert client.get("/health/").status_code == 200
    assert client.get("/health/?worker=1").status_code == 404
    settings.HEALTH_TOKEN = "probe-token"
    assert client.get("/health/?worker=1", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/health/?worker=1", HTTP_AUTHORIZATION="Bearer probe-token").status_code in (200, 503)


@override_settings(ENROLMENT_LINK_MAX_AGE=30 * 24 * 3600)
def test_an_old_enrolment_link_has_expired_and_says_so(cr, db):
    from tests.training.factories import SessionFactory
    from training import services
    from training.messages import enrolment_token
    from training.services import ParticipantData

    session = SessionFactory(country=cr)
    data = ParticipantData(
        email="ana@example.org", name="Ana Pérez", sector="media", sex="female", country_id=cr.pk, language="en"
    )
    enrolment, _seated = services.enrol_verified(session=session, data=data)
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        token = enrolment_token(enrolment)
    client = Client()
    with time_machine.travel(dt.datetime(2026, 1, 20, tzinfo=dt.UTC), tick=False):
        fresh = client.get(f"/en/training/e/{token}/")
        assert fresh.status_code == 200 and session.course.title in fresh.content.decode()
        assert "no-store" in fresh["Cache-Control"]
    with time_machine.travel(dt.datetime(2026, 2, 5, tzinfo=dt.UTC), tick=False):
        expired = client.get(f"/en/training/e/{token}/")
        assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
        assert session.course.title not in expired.content.decode()
    assert signing.loads(token, salt="training.enrolment")["e"] == enrolment.pk
