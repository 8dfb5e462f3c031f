"""Person search on PostgreSQL: the words names have used (migration 0014) follow the names, an erased or
corrected name leaves no word behind, and the narrowed scope of the search is the scope of every list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Person
from cases.selectors import find_people, near_words
from tests.cases.factories import make_case, make_person

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the word list is PostgreSQL's")


def _words() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM cases_name_word")
        return {row[0] for row in cursor.fetchall()}


@postgres_only
def test_a_new_name_adds_its_words_and_the_search_finds_it_misspelt(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, given_names="Xóchitl", family_names="Wojciechowska")
    assert {"xochitl", "wojciechowska"} <= _words()
    assert near_words(["wojciechowsky", "xochitl", "zzzz"]) == [{"wojciechowska"}, {"xochitl"}, set()]
    assert [m.person for m in find_people(staff_cr, names="Wojciechowsky Xochitl")] == [person]


@postgres_only
def test_a_corrected_or_erased_name_leaves_no_word_behind(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Wojciechowskaa")
    other = make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Ortiz")
    services.update_person(person=person, by=staff_cr, data={"family_names": "Wojciechowska"})
    assert "wojciechowskaa" not in _words() and "wojciechowska" in _words()
    services.erase_person(person=person, by=staff_cr)
    assert "wojciechowska" not in _words()
    assert "xochitl" in _words()  # still another person's name
    assert [m.person for m in find_people(staff_cr, names="Xochitl Wojciechowska")] == []
    assert [m.person for m in find_people(staff_cr, names="Xochitl Ortiz")] == [other]


def test_the_searchs_scope_is_the_scope_of_the_lists(
    window_cr, window_cr2, window_pa, staff_cr, staff_pa, officer_cr, admin_user
):
    here = make_person(window_cr, staff_cr)
    moved = make_person(window_pa, staff_pa, given_names="Moved")
    make_case(window_cr, staff_cr, person=moved)  # registered in Panama, with a case in Costa Rica
    make_person(window_pa, staff_pa, given_names="Elsewhere")
    for user in (staff_cr, staff_pa, officer_cr, admin_user):
        listed = set(Person.objects.visible_to(user).values_list("pk", flat=True))
        narrowed = set(Person.objects.visible_to(user, narrowed=True).values_list("pk", flat=True))
        assert listed == narrowed, user
    assert {here.pk, moved.pk} <= set(Person.objects.visible_to(staff_cr, narrowed=True).values_list("pk", flat=True))


@postgres_only
def test_a_name_too_long_for_the_edit_distance_finds_nothing_and_breaks_nothing(window_cr, staff_cr, staff_cr_client):
    make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Ortiz")
    assert near_words(["ﬃ" * 90, "a" * 260, "xochitl"]) == [set(), set(), {"xochitl"}]
    # a ligature unfolds into three letters: 200 characters typed become a word of 600
    response = staff_cr_client.post(reverse("cases:person-search"), {"names": "ﬃ" * 200})
    assert response.status_code == 200
