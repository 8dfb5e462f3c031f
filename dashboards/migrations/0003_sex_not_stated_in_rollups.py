from django.db import migrations

ROLLUPS = ("DailyFact", "UniqueFact", "PeriodUnique")


def undisclosed_to_unknown(apps, schema_editor):
    """Training's "undisclosed" became the shared "unknown": rename it in the roll-ups too, so that the
    figures already computed show one "Not stated" row without waiting for a rebuild. No training
    figure had "unknown" before, so no two rows of a key meet."""
    for name in ROLLUPS:
        apps.get_model("dashboards", name).objects.filter(dimension="sex", value="undisclosed").update(value="unknown")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_period_unique"),
        ("training", "0004_shared_sex"),
    ]

    operations = [
        migrations.RunPython(undisclosed_to_unknown, migrations.RunPython.noop),
    ]
