"""Nationality comes from the maintained list of countries (django-countries), offered by name in the reader's
language, plus the answers that name no country (stateless, an African country not specified, another
nationality). The former list's "AF" meant "African country": it never becomes Afghanistan."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from cases import demo, services
from cases.countries import nationality_choices
from cases.models import Consultation, Person
from dashboards.models import DailyFact, PeriodUnique, UniqueFact
from tests.cases.factories import make_person

pytestmark = pytest.mark.django_db

cases_migration = importlib.import_module("cases.migrations.0013_nationality_from_the_list")
rollups_migration = importlib.import_module("dashboards.migrations.0007_nationality_from_the_list")


def _options(html: str, name: str = "nationality") -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>', select)


def _selected(html: str, name: str = "nationality") -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([A-Z]*)"[^>]*selected', select).group(1)


@pytest.mark.parametrize(
    ("language", "haiti", "stateless", "african"),
    [("es", "Haití", "Apátrida", "País africano, sin especificar"),
     ("en", "Haiti", "Stateless", "African country, not specified"),
     ("fr", "Haïti", "Apatride", "Pays africain, non précisé"),
     ("nl", "Haïti", "Staatloos", "Afrikaans land, niet gespecificeerd"),
     ("ht", "Ayiti", "San nasyonalite", "Peyi an Afrik, yo pa di kiyès")],
)  # fmt: skip
@pytest.mark.parametrize("form", ["cases:person-create", "cases:consultation-create"])
def test_the_forms_offer_every_country_by_name_in_the_readers_language(
    staff_cr_client, form, language, haiti, stateless, african
):
    with translation.override(language):
        url = reverse(form)
    options = _options(staff_cr_client.get(url).content.decode())
    names = dict(options)
    assert names["HT"] == haiti
    assert names["ZZ"] == stateless and names["XA"] == african
    assert len(names) > 240  # the whole list, not the 22 countries of the former one
    # "Not stated" first, then the answers that name no country, then the countries sorted by name.
    assert [code for code, _name in options[:4]] == ["", "ZZ", "XA", "XX"]
    countries = [name for _code, name in options[4:]]
    assert countries.index(names["DE"]) < countries.index(haiti) < countries.index(names["VE"])


def test_a_kreyol_reader_gets_kreyol_names_and_french_for_the_rest(staff_cr_client):
    with translation.override("ht"):
        names = dict(_options(staff_cr_client.get(reverse("cases:person-create")).content.decode()))
    assert (names["HT"], names["DO"], names["CU"]) == ("Ayiti", "Repiblik Dominikèn", "Kiba")
    assert names["FI"] == "Finlande"  # no Kreyòl name: French, never Spanish
    assert names["DE"] == "Almay"  # a country people of the region come from has its Kreyòl name


def test_a_name_in_french_on_a_kreyol_page_is_marked_french(staff_cr_client, window_cr):
    """A screen reader reads "Finlande" with French sounds; the Kreyòl names are read as the page."""
    with translation.override("ht"):
        html = staff_cr_client.get(reverse("cases:person-create")).content.decode()
    select = re.search(r'<select name="nationality".*?</select>', html, re.S).group(0)
    assert '<option value="FI" lang="fr">Finlande</option>' in select
    assert '<option value="DE">Almay</option>' in select
    marked = re.findall(r'<option value="[A-Z]{2}" lang="fr">', select)
    assert 0 < len(marked) < 120, "most of the list is in Kreyòl"


def test_a_code_of_no_country_nor_answer_is_refused(staff_cr_client, window_cr):
    with translation.override("en"):
        url = reverse("cases:consultation-create")
    data = {"window": window_cr.pk, "date": timezone.localdate(), "channel": "walk_in", "topics": ["health"],
            "nationality": "QQ", "sex": "female", "age_group": "18-29"}  # fmt: skip
    response = staff_cr_client.post(url, data)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_country_outside_the_former_list_goes_from_the_consultation_into_the_case(
    staff_cr_client, window_cr, staff_cr
):
    with translation.override("en"):
        url = reverse("cases:consultation-create")
    data = {"window": window_cr.pk, "date": timezone.localdate(), "channel": "walk_in", "topics": ["asylum"],
            "nationality": "SN", "sex": "male", "age_group": "18-29"}  # fmt: skip
    assert staff_cr_client.post(url, data).status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.nationality == "SN"

    # A new person registered from the consultation: the form comes with Senegal chosen.
    with translation.override("en"):
        create = reverse("cases:person-create")
    html = staff_cr_client.get(f"{create}?consultation={consultation.pk}").content.decode()
    assert _selected(html) == "SN"

    # A person already registered: the case opened from the consultation fills the nationality they lacked.
    person = make_person(window_cr, staff_cr)
    with translation.override("en"):
        case_url = f"{reverse('cases:case-create', args=[person.pk])}?consultation={consultation.pk}"
    staff_cr_client.post(case_url, {"window": window_cr.pk, "needs": ["asylum"], "assigned_to": staff_cr.pk})
    person.refresh_from_db()
    assert person.nationality == "SN"
    with translation.override("fr"):
        html = staff_cr_client.get(person.get_absolute_url()).content.decode()
    assert 'Nationalité</dt><dd class="col-sm-9">Sénégal</dd>' in html


def test_migration_keeps_countries_and_never_turns_an_african_country_into_afghanistan(
    staff_cr_client, window_cr, staff_cr
):
    haitian = make_person(window_cr, staff_cr, given_names="Jean")
    african = make_person(window_cr, staff_cr, given_names="Awa")
    stateless = make_person(window_cr, staff_cr, given_names="Sami")
    other = make_person(window_cr, staff_cr, given_names="Ilir")
    visit = services.log_consultation(window=window_cr, by=staff_cr, data={"date": timezone.localdate(),
                                      "topics": ["health"]})[0]  # fmt: skip
    # Values as the former list stored them.
    for person, value in ((haitian, "HT"), (african, "AF"), (stateless, "ZZ"), (other, "XX")):
        Person.objects.filter(pk=person.pk).update(nationality=value)
    Consultation.objects.filter(pk=visit.pk).update(nationality="AF")
    day = date(2025, 3, 3)
    for value, count in (("HT", 4), ("AF", 6)):
        DailyFact.objects.create(country=window_cr.country, window=window_cr, day=day, indicator="consultations",
                                 dimension="nationality", value=value, count=count)  # fmt: skip
        UniqueFact.objects.create(country=window_cr.country, window=window_cr, day=day, indicator="people_assisted",
                                  dimension="nationality", value=value, subject=count)  # fmt: skip
        PeriodUnique.objects.create(country=window_cr.country, kind="month", start=day.replace(day=1),
                                    indicator="people_assisted", dimension="nationality", value=value, count=count)  # fmt: skip
    DailyFact.objects.create(country=window_cr.country, window=window_cr, day=day, indicator="consultations",
                             dimension="sex", value="AF", count=1)  # another dimension is left alone  # fmt: skip

    cases_migration.to_list(apps, None)
    rollups_migration.to_list(apps, None)

    values = dict(Person.objects.filter(pk__in=[haitian.pk, african.pk, stateless.pk, other.pk]).values_list(
        "given_names", "nationality"))  # fmt: skip
    assert values == {"Jean": "HT", "Awa": "XA", "Sami": "ZZ", "Ilir": "XX"}
    assert Consultation.objects.get(pk=visit.pk).nationality == "XA"
    for model in (DailyFact, UniqueFact, PeriodUnique):
        assert set(model.objects.filter(dimension="nationality").values_list("value", flat=True)) == {"HT", "XA"}
    assert DailyFact.objects.get(dimension="nationality", value="XA").count == 6
    assert DailyFact.objects.filter(dimension="sex", value="AF").exists()

    with translation.override("en"):
        html = staff_cr_client.get(reverse("cases:person-detail", args=[african.pk])).content.decode()
        edit = staff_cr_client.get(reverse("cases:person-edit", args=[african.pk])).content.decode()
    assert 'Nationality</dt><dd class="col-sm-9">African country, not specified</dd>' in html
    assert "Afghanistan" not in html
    assert _selected(edit) == "XA"  # saving the form again keeps it

    # Undone, the former codes come back.
    cases_migration.back(apps, None)
    rollups_migration.back(apps, None)
    african.refresh_from_db()
    assert african.nationality == "AF"
    assert DailyFact.objects.filter(dimension="nationality", value="AF").exists()


def test_the_demo_records_nationalities_of_the_list():
    offered = {code for code, _name in nationality_choices()}
    assert set(demo.NATIONALITIES) <= offered
    assert "AF" not in demo.NATIONALITIES  # Afghanistan now; the demo never meant it


def test_the_case_list_filters_and_exports_nationality_by_name(staff_cr_client, officer_cr_client, window_cr, staff_cr):
    from tests.cases.factories import make_case

    senegalese = make_person(window_cr, staff_cr, given_names="Awa", nationality="SN")
    haitian = make_person(window_cr, staff_cr, given_names="Jean", nationality="HT")
    undisclosed = make_person(window_cr, staff_cr, given_names="Ana")
    for person in (senegalese, haitian, undisclosed):
        make_case(window_cr, staff_cr, person=person)
    with translation.override("fr"):
        url = reverse("cases:case-list")
    page = staff_cr_client.get(url, {"nationality": "SN"})
    assert [case.person_id for case in page.context["page"]] == [senegalese.pk]
    assert dict(_options(page.content.decode()))["SN"] == "Sénégal"

    rows = officer_cr_client.get(url, {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    column = rows[0].split(",").index("Nationalité")
    by_person = {int(row.split(",")[1]): row.split(",")[column] for row in rows[1:]}
    assert by_person == {senegalese.pk: "Sénégal", haitian.pk: "Haïti", undisclosed.pk: "Non indiqué"}


@pytest.mark.parametrize("language", ["es", "ht"])
@pytest.mark.parametrize("value", [None, "", "SN", "ZZ", ["HT"]])
def test_the_case_lists_nationality_select_is_the_markup_every_select_gets(language, value):
    from django import forms

    from cases.filters import NationalitySelect

    choices = [("", "Any"), *nationality_choices(blank=False)]
    attrs = {"id": "id_nationality", "class": "form-select"}
    with translation.override(language):
        usual = forms.Select(choices=choices).render("nationality", value, attrs=attrs)
        for _again in range(2):  # the second from the options kept for this language
            assert NationalitySelect(choices=choices).render("nationality", value, attrs=attrs) == usual
