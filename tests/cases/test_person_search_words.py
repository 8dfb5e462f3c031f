"""Person search through the blind index of names (cases.name_index): the tokens follow the name, an erased
or corrected name leaves no token behind, nothing of a name is stored in clear, the pieces of a typed word
meet those of every word near it, and the narrowed scope of the search is the scope of every list."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.urls import reverse

from cases import name_index, services
from cases.models import Person
from cases.selectors import find_people
from tests.cases.factories import make_case, make_person

pytestmark = pytest.mark.django_db


def _raw(pk: int) -> tuple:
    """The name columns as the database holds them (what a dump shows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, family_names, name_tokens FROM cases_person WHERE id = %s", [pk])
        return cursor.fetchone()


def _stored_tokens(pk: int) -> set[int]:
    return set(Person.objects.values_list("name_tokens", flat=True).get(pk=pk))


def test_a_name_is_encrypted_and_its_tokens_hold_no_word_of_it(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, given_names="Xóchitl", family_names="Wojciechowska")
    given, family, tokens = _raw(person.pk)
    raw = f"{given} {family} {tokens}".lower()
    assert "xochitl" not in raw and "xóchitl" not in raw and "wojciechowska" not in raw
    assert person.name_tokens and all(isinstance(t, int) for t in person.name_tokens)
    person = Person.objects.get(pk=person.pk)
    assert (person.given_names, person.family_names) == ("Xóchitl", "Wojciechowska")
    assert [m.person for m in find_people(staff_cr, names="Wojciechowsky Xochitl")] == [person]


def test_a_corrected_or_erased_name_leaves_no_token_behind(window_cr, staff_cr, admin_user):
    person = make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Wojciechowskaaaa")
    other = make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Ortiz")
    services.update_person(person=person, by=staff_cr, data={"family_names": "Quispe"})
    assert _stored_tokens(person.pk) == set(name_index.name_tokens("Xochitl", "Quispe"))
    assert find_people(staff_cr, names="Xochitl Wojciechowskaaaa") == []
    assert [m.person for m in find_people(staff_cr, names="Xochitl Quispe")] == [person]
    services.erase_person(person=person, by=admin_user)
    assert _stored_tokens(person.pk) == set()
    assert [m.person for m in find_people(staff_cr, names="Xochitl Quispe")] == []
    assert [m.person for m in find_people(staff_cr, names="Xochitl Ortiz")] == [other]


def test_a_typed_word_meets_every_stored_word_near_it_and_few_others():
    """What the index promises the final comparison: every stored word near a typed word (a letter changed,
    missing, added, two swapped; as heard) shares a token with it, so the index loses no match of today."""
    rng = random.Random(26)
    names = ["maria", "jose", "villalobos", "castillo", "joseph", "guillaume", "rodriguez", "ana", "baptiste",
             "wojciechowska", "xochitl", "hernandez", "louis", "jean", "nadege", "philippe", "zoe"]  # fmt: skip
    letters = "abcdefghijklmnopqrstuvwxyz"
    near = far = 0
    for _ in range(5000):
        word = rng.choice(names)
        typed = list(word)
        for _edit in range(rng.randint(1, 2)):
            i = rng.randrange(len(typed) - 1)
            match rng.randrange(4):
                case 0:
                    typed[i] = rng.choice(letters)
                case 1:
                    typed.insert(i, rng.choice(letters))
                case 2:
                    del typed[i]
                case 3:
                    typed[i], typed[i + 1] = typed[i + 1], typed[i]
        typed = "".join(typed)
        meets = not name_index.typed_pieces(typed).isdisjoint(name_index.stored_pieces(word))
        if name_index.near(typed, word):
            near += 1
            assert meets, (typed, word)
        elif not meets:
            far += 1
    assert near > 1000 and far > 500  # both kinds were tried, and the index tells many far words apart
    assert name_index.typed_pieces("biyalobos") & name_index.stored_pieces("villalobos")  # as heard
    assert not name_index.typed_pieces("garcia") & name_index.stored_pieces("pierre")


def test_the_tokens_depend_on_the_search_key(settings):
    before = name_index.name_tokens("María", "Pérez")
    assert before == name_index.name_tokens("maria", "PEREZ")  # accents and case are not kept
    settings.SEARCH_HASH_KEYS = ["another-search-key"]
    assert set(name_index.name_tokens("María", "Pérez")).isdisjoint(before)


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


def test_a_very_long_name_finds_nothing_and_breaks_nothing(window_cr, staff_cr, staff_cr_client):
    person = make_person(window_cr, staff_cr, given_names="Xochitl", family_names="Ortiz")
    # a ligature unfolds into three letters: 200 characters typed become a word of 600
    response = staff_cr_client.post(reverse("cases:person-search"), {"names": "ﬃ" * 200})
    assert response.status_code == 200
    assert [m.person for m in find_people(staff_cr, names="Xochitl " + "a" * 260)] == []
    assert [m.person for m in find_people(staff_cr, names="Xochitl")] == [person]
