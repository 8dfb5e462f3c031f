"""The roll-ups keyed by nationality follow ``cases.0013``: "AF" (the former list's "African country") becomes
"XA" ("African country, not specified"), never Afghanistan, so the figures already computed stay those of
the records without waiting for a rebuild; every other value is renamed the same way as the records. No
roll-up had "XA" before, so no two rows of a key meet for it."""

import importlib

from django.db import migrations

ROLLUPS = ("DailyFact", "UniqueFact", "PeriodUnique")
cases_migration = importlib.import_module("cases.migrations.0013_nationality_from_the_list")


def _rename(apps, how):
    for name in ROLLUPS:
        facts = apps.get_model("dashboards", name).objects.filter(dimension="nationality")
        for value in list(facts.values_list("value", flat=True).distinct()):
            new = how(value)
            if new != value:
                facts.filter(value=value).update(value=new)


def to_list(apps, schema_editor):
    _rename(apps, cases_migration.nationality)


def back(apps, schema_editor):
    _rename(apps, cases_migration.former)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0006_referral_indicators"),
        ("cases", "0013_nationality_from_the_list"),
    ]

    operations = [
        migrations.RunPython(to_list, back),
    ]
