"""A nationality is a country of the maintained list (django-countries, ISO 3166-1) or one of the answers that
name no country.

The former hand-made list held 22 countries under their ISO codes, which stay, and three codes that name no
country: "XX" (other nationality) and "ZZ" (stateless) are ISO 3166 user-assigned codes, no country's, and stay
with the same meaning; "AF" meant "African country", but ISO's AF is Afghanistan: it becomes "XA", "African
country, not specified" (a user-assigned code too), so that nobody recorded as coming from an African country
is counted as Afghan. A value outside the former list (there should be none: its forms refused them) that is
no country's code becomes "XX". The dashboards' roll-ups are renamed the same way (``dashboards.0007``).
"""

from django.db import migrations
from django_countries.data import COUNTRIES

import cases.countries
import django_countries.fields

FORMER_AFRICAN = "AF"
AFRICAN = "XA"
KEPT = {"", "XX", "ZZ"}
FORMER = {"HT", "VE", "NI", "CU", "CO", "EC", "HN", "GT", "SV", "MX", "PA", "CR", "DO", "BZ", "SR", "GD", "GY",
          "JM", "PE", "BR", "CN", "IN", "AF", "XX", "ZZ", ""}  # fmt: skip


def nationality(value: str) -> str:
    """The value of the list of countries for a value of the former list."""
    code = (value or "").strip().upper()
    if code == FORMER_AFRICAN:
        return AFRICAN
    if code in KEPT or code in COUNTRIES:
        return code
    return "XX"


def former(value: str) -> str:
    """The value of the former list for a value of the list of countries (a country it lacked is "other")."""
    if value == AFRICAN:
        return FORMER_AFRICAN
    return value if value in FORMER and value != FORMER_AFRICAN else "XX"


def _rename(apps, how):
    for name in ("Person", "Consultation"):
        model = apps.get_model("cases", name)
        for value in list(model.objects.values_list("nationality", flat=True).distinct()):
            new = how(value)
            if new != value:
                model.objects.filter(nationality=value).update(nationality=new)


def to_list(apps, schema_editor):
    _rename(apps, nationality)


def back(apps, schema_editor):
    _rename(apps, former)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_document_country_from_the_list"),
    ]

    operations = [
        migrations.RunPython(to_list, back),
        migrations.AlterField(
            model_name="consultation",
            name="nationality",
            field=django_countries.fields.CountryField(
                blank=True, countries=cases.countries.NationalityCountries, max_length=2, verbose_name="nationality"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="nationality",
            field=django_countries.fields.CountryField(
                blank=True, countries=cases.countries.NationalityCountries, max_length=2, verbose_name="nationality"
            ),
        ),
    ]
