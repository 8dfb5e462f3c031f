"""A field written by ``helpers.field_group`` is the markup crispy-forms' ``as_crispy_field`` writes (whitespace
aside), whether the field is empty, filled in or refused; the fields it does not write go to crispy-forms."""

from __future__ import annotations

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html
from django.utils import translation

from cases.filters import CaseFilter
from cases.forms import PersonForm
from cases.models import Case
from helpers.field_group import field_group, written_here
from helpers.templatetags.fields import field_group as field_group_filter


class Sample(forms.Form):
    name = forms.CharField(label="Name & <surname>", max_length=5, help_text="As on the <b>passport</b>.")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & B")], required=False)
    born = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(min_value=1, required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    styled = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "wide", "autofocus": True}))
    unlabelled = forms.EmailField(label="", required=False)
    agree = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


def same(form, name: str) -> None:
    """Each rendering on a fresh form, as crispy-forms changes the widget's classes when it writes it."""
    ours = field_group_filter(form()[name])
    theirs = as_crispy_field(form()[name])
    assert parse_html(ours) == parse_html(theirs), f"{name}:\n{ours}\n---\n{theirs}"


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "Ana", "kind": "a", "born": "2001-02-03", "count": "2", "note": "x < y", "styled": "s"},
        {"name": "far too long", "kind": "zz", "born": "3 February", "count": "0", "unlabelled": "not-an-email"},
    ],
    ids=["empty", "filled", "refused"],
)
def test_every_field_of_a_sample_form_is_written_as_crispy_forms_writes_it(data):
    for name in Sample.base_fields:
        same(lambda: Sample(data), name)


def test_checkboxes_and_hidden_fields_are_left_to_crispy_forms():
    form = Sample()
    assert not written_here(form["agree"]) and not written_here(form["hidden"])
    assert written_here(form["name"]) and written_here(form["kind"])
    assert field_group_filter(Sample()["agree"]) == as_crispy_field(Sample()["agree"])


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"status": "open", "q": "12", "opened_from": "yesterday", "stage": "nope"}])
def test_the_case_lists_filters_are_written_as_crispy_forms_writes_them(officer_cr, data):
    with translation.override("es"):
        for name in CaseFilter(data, queryset=Case.objects.all(), user=officer_cr).form.fields:
            same(lambda: CaseFilter(data, queryset=Case.objects.all(), user=officer_cr).form, name)


@pytest.mark.django_db
def test_a_form_whose_helper_only_leaves_out_the_form_tag_is_written_with_its_errors_inline():
    """crispy-forms writes the errors of a form with a helper inline; so does ``field_group``."""
    data = {"given_names": "", "estimated_age": "200", "email": "nope"}
    with translation.override("es"):
        assert written_here(PersonForm(data)["given_names"])
        for name in PersonForm.base_fields:
            same(lambda: PersonForm(data), name)
        assert '<span id="error_1_id_given_names">' in field_group_filter(PersonForm(data)["given_names"])


def test_values_and_errors_are_escaped():
    html = field_group(Sample({"name": "<script>x</script>"})["name"])
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "data", [{"period": "month", "on": "2026-03-01"}, {"period": "custom", "start": "soon", "end": "", "by": "zz"}]
)
def test_the_dashboards_period_form_is_written_as_crispy_forms_writes_it(data):
    from datetime import date

    from dashboards.forms import PeriodForm

    with translation.override("fr"):
        for name in PeriodForm.base_fields:
            same(lambda: PeriodForm(data, today=date(2026, 12, 8), dimensions=["sex", "age_group"]), name)


@pytest.mark.django_db
def test_the_consultation_lists_filters_are_written_as_crispy_forms_writes_them():
    from cases.filters import ConsultationFilter
    from cases.models import Consultation

    data = {"date_from": "nope", "channel": "walk_in"}
    with translation.override("ht"):
        for name in ConsultationFilter(data, queryset=Consultation.objects.all()).form.fields:
            same(lambda: ConsultationFilter(data, queryset=Consultation.objects.all()).form, name)


def crispy(form) -> str:
    """``{% crispy form %}`` as a page writes it (the page's own CSRF field aside: it writes one itself)."""
    from django.template import Context, Template

    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


@pytest.mark.parametrize(
    "data",
    [None, {"names": "maría <b>díaz</b>", "date_of_birth": "1990-02-03"}, {"names": "", "date_of_birth": "soon"}],
    ids=["empty", "filled", "refused"],
)
def test_the_person_search_form_is_written_as_crispy_forms_writes_it(data):
    from cases.forms import PersonSearchForm
    from helpers.templatetags.fields import form_fields

    with translation.override("ht"):
        form = PersonSearchForm(data, initial={"consultation": 12})
        if data is not None:
            form.is_valid()
        ours, theirs = form_fields(form), crispy(form)
        assert parse_html(ours) == parse_html(theirs), f"{ours}\n---\n{theirs}"
        if data and not data["names"]:
            assert "alert-danger" in ours and "invalid-feedback" in ours


def test_a_helper_that_sets_anything_but_the_form_tag_leaves_the_form_to_crispy_forms():
    from crispy_forms.helper import FormHelper

    from helpers.templatetags.fields import form_fields

    form = Sample()
    form.helper = FormHelper()
    form.helper.form_tag = False
    assert written_here(form["name"])
    form.helper.form_show_labels = False
    assert not written_here(form["name"])
    with pytest.raises(Exception, match="crispy"):
        form_fields(form)
