"""Duplicates found before they happen: the person page lists likely duplicates (the search matcher), a
side-by-side comparison and a merge from there without typing a record number; a consultation's sex,
nationality, age group and topics carry into the case opened from it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, Person
from tests.cases.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def twin(window_cr, staff_cr):
    return make_person(window_cr, staff_cr, given_names="Maria Jose", family_names="Perez Gomez", phone="")


def test_the_person_page_lists_likely_duplicates_with_a_comparison(
    staff_cr_client, person_cr, twin, window_cr, staff_cr
):
    stranger = make_person(window_cr, staff_cr, given_names="Juan", family_names="Rodríguez")
    html = staff_cr_client.get(person_cr.get_absolute_url()).content.decode()
    section = html[html.index('id="duplicates"') : html.index('id="consents"')]
    assert f"#{twin.pk}" in section and f"#{stranger.pk}" not in section
    assert reverse("cases:person-compare", args=[person_cr.pk, twin.pk]) in section


def test_readers_and_other_countries_see_no_duplicate_list_nor_comparison(
    officer_cr_client, staff_pa_client, person_cr, twin
):
    assert 'id="duplicates"' not in officer_cr_client.get(person_cr.get_absolute_url()).content.decode()
    url = reverse("cases:person-compare", args=[person_cr.pk, twin.pk])
    assert officer_cr_client.get(url).status_code == 403
    assert staff_pa_client.get(url).status_code == 404


def test_the_comparison_shows_both_records_and_merges_without_typing_a_number(staff_cr_client, person_cr, twin):
    url = reverse("cases:person-compare", args=[person_cr.pk, twin.pk])
    html = staff_cr_client.get(url).content.decode()
    assert "María José" in html and "Maria Jose" in html and "P1234567" in html
    assert re.search(rf'<input type="hidden" name="duplicate" value="{twin.pk}">', html)
    assert AuditEntry.objects.filter(action="view", person_id=twin.pk).exists()

    response = staff_cr_client.post(reverse("cases:person-merge", args=[person_cr.pk]), {"duplicate": twin.pk})

    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into_id == person_cr.pk


def test_a_consultation_carries_its_sex_nationality_age_group_and_topics_into_the_case(
    staff_cr_client, window_cr, staff_cr
):
    consultation, _ = services.log_consultation(
        window=window_cr,
        by=staff_cr,
        data={"date": timezone.localdate(), "topics": ["asylum", "health", "other"], "sex": "female",
              "nationality": "NI", "age_group": "30-59"},
    )  # fmt: skip
    person = make_person(window_cr, staff_cr, date_of_birth=None)
    url = f"{reverse('cases:case-create', args=[person.pk])}?consultation={consultation.pk}"
    form = staff_cr_client.get(url).content.decode()
    for need, checked in (("asylum", True), ("health", True), ("legal", False)):
        tag = re.search(rf'<input[^>]*name="needs"[^>]*value="{need}"[^>]*>', form).group(0)
        assert ("checked" in tag) is checked
    staff_cr_client.post(url, {"window": window_cr.pk, "needs": ["asylum", "health"], "assigned_to": staff_cr.pk})
    person = Person.objects.get(pk=person.pk)
    assert (person.sex, person.nationality, person.age_group) == ("female", "NI", "30-59")
    consultation.refresh_from_db()
    assert consultation.case.needs == ["asylum", "health"]


def test_what_the_window_typed_about_the_person_is_not_overwritten(window_cr, staff_cr):
    consultation, _ = services.log_consultation(
        window=window_cr, by=staff_cr, data={"date": timezone.localdate(), "topics": ["health"], "sex": "female",
                                             "age_group": "30-59"},
    )  # fmt: skip
    person = make_person(window_cr, staff_cr, sex="male", date_of_birth=timezone.localdate().replace(year=2000))
    services.open_case(person=person, window=window_cr, by=staff_cr, consultation=consultation)
    person = Person.objects.get(pk=person.pk)
    assert person.sex == "male" and person.age_group != "30-59"
