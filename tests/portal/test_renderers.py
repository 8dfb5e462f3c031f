"""The select boxes written out in Python are the markup Django's templates write, byte for byte."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from cases.forms import ConsultationForm
from helpers.renderers import SELECT, PortalFormRenderer, mark_options


class MarkingTemplates(DjangoTemplates):
    """Django's templates, given the same options' languages as the portal's renderer gives them."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            mark_options(context["widget"])
        return super().render(template_name, context, request)


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & B"), ("b", 'Say "hi"'), (3, "<three>")])
    optional = forms.ChoiceField(required=False, choices=[("", "None"), ("x", "X")])
    grouped = forms.ChoiceField(choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("other", "Other")])
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    flagged = forms.ChoiceField(
        choices=[("y", "Yes")],
        widget=forms.Select(attrs={"class": "form-select", "data-x": "1 > 0", "autofocus": True}),
    )


def pairs(form):
    """(field, its widget as the portal renders it, as Django's templates render it)."""
    for name in form.fields:
        ours = form[name].as_widget()
        form.renderer = MarkingTemplates()
        djangos = form[name].as_widget()
        form.renderer = PortalFormRenderer()
        yield name, ours, djangos


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "b", "optional": "", "grouped": "pear", "several": ["1", "3"], "flagged": "y"}, {"plain": "3"}],
)
def test_selects_match_djangos_templates(data):
    form = Sample(data, renderer=PortalFormRenderer())
    form.is_valid()
    for name, ours, djangos in pairs(form):
        assert ours == djangos, name


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "ht"])
def test_the_nationality_list_of_the_intake_form_is_unchanged(language, staff_cr):
    with translation.override(language):
        form = ConsultationForm(user=staff_cr, data={"nationality": "HT"})
        checked = 0
        for name, ours, djangos in pairs(form):
            assert ours == djangos, name
            checked += ours.count("<option")
        assert checked > 200  # the country list was among them
        assert 'value="HT" selected' in str(form["nationality"])
        assert ('value="FI" lang="fr"' in str(form["nationality"])) == (language == "ht")
