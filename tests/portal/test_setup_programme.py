from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import PathwayFact, RegularizationPathway
from ventanillas.models import Country

pytestmark = pytest.mark.django_db


def setup_programme(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_programme", *args, stdout=out)
    return out.getvalue()


def test_a_new_portal_gets_the_countries_their_languages_time_zones_and_pathways_once():
    setup_programme()
    countries = Country.objects.count()
    pathways = RegularizationPathway.objects.count()
    facts = PathwayFact.objects.count()
    setup_programme()

    assert countries == 11 and Country.objects.count() == 11
    assert RegularizationPathway.objects.count() == pathways
    assert not Country.objects.filter(pathways=None).exists()  # every country has its pathways
    assert PathwayFact.objects.count() == facts
    haiti_neighbour = Country.objects.get(code="DO")
    assert haiti_neighbour.time_zone == "America/Santo_Domingo"
    assert haiti_neighbour.public_languages[0] == "es"
    # Reference data only: no demo windows, people or passwords.
    assert not get_user_model().objects.exists()
    # Sample content until reviewed, and shown as such.
    assert not RegularizationPathway.objects.filter(is_sample=False).exists()


def test_running_it_again_keeps_what_a_reviewer_verified():
    setup_programme()
    pathway = RegularizationPathway.objects.order_by("pk").first()
    RegularizationPathway.objects.filter(pk=pathway.pk).update(
        is_sample=False, verified_on="2026-11-30", name_es="Nombre revisado"
    )

    setup_programme()

    pathway.refresh_from_db()
    assert (pathway.is_sample, str(pathway.verified_on), pathway.name_es) == (False, "2026-11-30", "Nombre revisado")


def test_the_first_administrator_sets_a_password_once_then_pairs_a_second_factor(client):
    out = setup_programme("--admin-email", "it@example.org", "--admin-username", "admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and not admin.has_usable_password()
    link = next(line for line in out.splitlines() if "/accounts/reset/" in line)
    path = urlsplit(link).path

    form = client.get(path, follow=True)
    assert form.context["validlink"]
    answer = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long pass phrase 2026", "new_password2": "a long pass phrase 2026"},
    )
    assert answer.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("a long pass phrase 2026")

    # The link does not work a second time.
    again = client.get(path, follow=True)
    assert not again.context["validlink"]

    # Signed in with the password, the administrator is sent to pair an authenticator before anything else.
    signed_in = client.post("/es/accounts/login/", {"username": "admin", "password": "a long pass phrase 2026"})
    assert signed_in.status_code == 302
    staff = client.get("/es/staff/")
    assert staff.status_code == 302 and "/accounts/two-factor/setup/" in staff["Location"]


def test_an_administrator_with_a_password_is_not_given_a_new_link():
    get_user_model().objects.create_user("admin", "it@example.org", "an existing password 123")
    with pytest.raises(CommandError, match="has a password"):
        setup_programme("--admin-email", "it@example.org", "--admin-username", "admin")
