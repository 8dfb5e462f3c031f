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
