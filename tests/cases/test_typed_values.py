"""Values a clerk or an administrator types that no record should hold: a name spelt with directional
controls (shown reversed on the page and in every export), a negative fee."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.models import FactKind, PathwayFact
from helpers.validation import clean_text
from tests.cases.factories import pathway_with_documents

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2069"])
def test_a_name_with_a_directional_control_is_refused_with_a_message(staff_cr, window_cr, control):
    from django.utils import translation

    from cases.forms import NewPersonForm

    with translation.override("en"):
        form = NewPersonForm({"given_names": f"Ana{control}lraK", "family_names": "Pérez"}, user=staff_cr)
        assert not form.is_valid()
        assert "Remove the control characters from this text" in str(form.errors["given_names"])
    with pytest.raises(ValidationError):
        clean_text(f"Ana{control}lraK")


def test_accents_and_every_letter_of_the_five_languages_stay_allowed():
    assert clean_text("Ñandú Çà Kreyòl Œuvre Ĳssel") == "Ñandú Çà Kreyòl Œuvre Ĳssel"


def test_a_fee_below_zero_is_refused(cr):
    pathway = pathway_with_documents(country=cr, slug="temporal")
    fact = PathwayFact(pathway=pathway, kind=FactKind.FEE, amount=-1, currency="USD")
    with pytest.raises(ValidationError) as refused:
        fact.full_clean()
    assert "amount" in refused.value.message_dict


def test_a_consultation_before_the_programme_and_a_birth_in_year_one_are_refused(staff_cr, window_cr):
    from datetime import date

    from django.utils import translation

    from cases.forms import ConsultationForm, NewPersonForm

    with translation.override("en"):
        consultation = ConsultationForm({"date": "0001-01-01", "window": window_cr.pk}, user=staff_cr)
        assert not consultation.is_valid()
        assert "Give a date between 2000-01-01 and" in str(consultation.errors["date"])
        person = NewPersonForm({"given_names": "Ana", "date_of_birth": "0001-01-01"}, user=staff_cr)
        assert not person.is_valid()
        assert "Give a date between 1900-01-01 and" in str(person.errors["date_of_birth"])
        born = NewPersonForm({"given_names": "Ana", "date_of_birth": date(1931, 5, 2).isoformat()}, user=staff_cr)
        born.is_valid()
        assert "date_of_birth" not in born.errors
