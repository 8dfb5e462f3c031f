"""The issuing country of a document comes from the maintained list of countries (ISO 3166-1).

The former list mixed countries with nationalities and three codes that name no country: "AF" meant
"African country" (ISO's AF is Afghanistan), "XX" "Other nationality", "ZZ" "Stateless". A value that is a
country's ISO code stays; any other is moved to ``document_country_as_recorded`` (and shown on the person's
page until a clerk chooses the country), never turned into a country it did not mean.
"""

import django_countries.fields
from django.db import migrations, models
from django_countries.data import COUNTRIES

import cases.countries

NOT_COUNTRIES = {"AF", "XX", "ZZ"}


def to_iso(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    values = Person.objects.exclude(document_country="").values_list("document_country", flat=True).distinct()
    for value in list(values):
        code = value.strip().upper()
        if code in COUNTRIES and code not in NOT_COUNTRIES:
            if code != value:
                Person.objects.filter(document_country=value).update(document_country=code)
        else:
            Person.objects.filter(document_country=value).update(
                document_country="", document_country_as_recorded=code[:2]
            )


def back(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    for value in Person.objects.exclude(document_country_as_recorded="").values_list(
        "document_country_as_recorded", flat=True
    ).distinct():
        Person.objects.filter(document_country="", document_country_as_recorded=value).update(document_country=value)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_pathway_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="document_country_as_recorded",
            field=models.CharField(
                blank=True, editable=False, max_length=2, verbose_name="issuing country as first recorded"
            ),
        ),
        migrations.RunPython(to_iso, back),
        migrations.AlterField(
            model_name="person",
            name="document_country",
            field=django_countries.fields.CountryField(
                blank=True, countries=cases.countries.PortalCountries, max_length=2, verbose_name="issuing country"
            ),
        ),
    ]
