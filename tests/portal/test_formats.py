from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation


def test_kreyol_dates_read_day_month_year_with_a_24_hour_clock():
    template = Template("{{ when }} · {{ day }}")
    with translation.override("ht"):
        text = template.render(Context({"when": dt.datetime(2026, 3, 11, 14, 30), "day": dt.date(2026, 12, 25)}))
    assert text == "11 mas 2026, 14:30 · 25 desanm 2026"


def test_other_languages_keep_djangos_own_formats():
    with translation.override("fr"):
        assert Template("{{ day }}").render(Context({"day": dt.date(2026, 12, 25)})) == "25 décembre 2026"


def test_djangos_own_form_errors_read_in_kreyol_not_in_the_fallback_language():
    # Django has no Kreyòl catalog: a too-long note on a Kreyòl page used to say "Asegúrese de que...".
    from django import forms

    class Note(forms.Form):
        text = forms.CharField(max_length=5)
        count = forms.IntegerField(min_value=1, max_value=3)

    with translation.override("ht"):
        form = Note({"text": "abcdefgh", "count": "9"})
        assert form.errors["text"] == ["Tèks la pa ka gen plis pase 5 karaktè (li gen 8)."]
        assert form.errors["count"] == ["Valè a dwe 3 oswa mwens."]


def test_kreyol_short_day_and_month_names_are_kreyol_not_spanish():
    # A session's meeting days read "dom 29 Nov" (Spanish, the fallback) on Kreyòl pages.
    template = Template('{{ day|date:"D j M" }}')
    with translation.override("ht"):
        assert template.render(Context({"day": dt.date(2026, 11, 29)})) == "dim 29 Nov"
        assert template.render(Context({"day": dt.date(2026, 2, 4)})) == "mèk 4 Fev"
    with translation.override("es"):
        assert template.render(Context({"day": dt.date(2026, 11, 29)})) == "dom 29 Nov"
