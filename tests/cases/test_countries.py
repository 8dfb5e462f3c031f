"""The issuing country of a person's document comes from the maintained list of countries (django-countries),
named in the reader's language; Kreyòl names for the region and the common countries of origin, French for
the rest. Values recorded before the list that name no country stay visible until a clerk chooses one."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from cases.models import Person
from tests.cases.factories import make_person

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0012_document_country_from_the_list")


def _issuing_options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="document_country".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>', select))


@pytest.mark.parametrize(
    ("language", "haiti", "finland"),
    [("es", "Haití", "Finlandia"), ("en", "Haiti", "Finland"), ("fr", "Haïti", "Finlande"),
     ("nl", "Haïti", "Finland"), ("ht", "Ayiti", "Finlande")],
)  # fmt: skip
def test_the_form_offers_every_country_by_name_in_the_readers_language(staff_cr_client, language, haiti, finland):
    with translation.override(language):
        url = reverse("cases:person-create")
    options = _issuing_options(staff_cr_client.get(url).content.decode())
    assert options["HT"] == haiti
    # A country outside the region: no Kreyòl name, so a Kreyòl reader gets the French one, never Spanish.
    assert options["FI"] == finland
    assert len(options) > 240
    # Nationalities and "stateless" are not issuing countries.
    assert "ZZ" not in options and "XX" not in options


def test_kreyol_names_cover_the_region_and_the_countries_people_come_from(staff_cr_client):
    with translation.override("ht"):
        options = _issuing_options(staff_cr_client.get(reverse("cases:person-create")).content.decode())
    assert options["DO"] == "Repiblik Dominikèn"
    assert options["VE"] == "Venezyela"
    assert options["CU"] == "Kiba"
    assert options["CM"] == "Kamewoun"


def test_the_chosen_country_is_shown_by_name_on_the_person_page(staff_cr_client, person_cr):
    with translation.override("en"):
        edit = reverse("cases:person-edit", args=[person_cr.pk])
        detail = reverse("cases:person-detail", args=[person_cr.pk])
    data = {
        "given_names": "María José", "family_names": "Pérez Gómez", "sex": "female", "gender": "unknown",
        "document_type": "passport", "document_number": "P1234567", "document_country": "VE",
        "preferred_language": "es", "legal_basis": "consent",
    }  # fmt: skip
    response = staff_cr_client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person_cr.refresh_from_db()
    assert person_cr.document_country.code == "VE"
    html = staff_cr_client.get(detail).content.decode()
    assert 'Issuing country</dt><dd class="col-sm-9">Venezuela</dd>' in html


def test_an_unknown_code_is_refused(staff_cr_client, person_cr):
    with translation.override("en"):
        edit = reverse("cases:person-edit", args=[person_cr.pk])
    data = {"given_names": "Ana", "sex": "female", "gender": "unknown", "document_country": "ZZ",
            "preferred_language": "es", "legal_basis": "consent"}  # fmt: skip
    response = staff_cr_client.post(edit, data)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    person_cr.refresh_from_db()
    assert not person_cr.document_country


def test_migration_keeps_iso_codes_and_keeps_the_rest_visible(staff_cr_client, window_cr, staff_cr):
    haitian = make_person(window_cr, staff_cr, given_names="Jean")
    african = make_person(window_cr, staff_cr, given_names="Awa")
    stateless = make_person(window_cr, staff_cr, given_names="Sami")
    # Values as the former list stored them ("AF" was "African country", not Afghanistan).
    for person, value in ((haitian, "HT"), (african, "AF"), (stateless, "ZZ")):
        Person.objects.filter(pk=person.pk).update(document_country=value)
    migration.to_iso(apps, None)
    for person in (haitian, african, stateless):
        person.refresh_from_db()
    assert haitian.document_country.code == "HT" and not haitian.document_country_as_recorded
    assert not african.document_country and african.document_country_as_recorded == "AF"
    assert not stateless.document_country and stateless.document_country_as_recorded == "ZZ"

    with translation.override("en"):
        detail = reverse("cases:person-detail", args=[african.pk])
        edit = reverse("cases:person-edit", args=[african.pk])
    html = staff_cr_client.get(detail).content.decode()
    assert "“African country” (recorded before the list of countries: choose the country)" in html
    assert "Afghanistan" not in html
    assert "Recorded before the list of countries: “African country”" in staff_cr_client.get(edit).content.decode()

    # Choosing the country replaces what was recorded before.
    data = {"given_names": "Awa", "sex": "female", "gender": "unknown", "document_country": "SN",
            "preferred_language": "es", "legal_basis": "consent"}  # fmt: skip
    assert staff_cr_client.post(edit, data).status_code == 302
    african.refresh_from_db()
    assert african.document_country.code == "SN" and african.document_country_as_recorded == ""
