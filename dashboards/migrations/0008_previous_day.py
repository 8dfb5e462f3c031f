"""Each daily people row names the day the same person last appeared in the same group before it (in any
country, and in its own), so that a custom period counts its people as rows rather than distinct people
(see ``dashboards.models.UniqueFact``). The rows already written are linked here, before the index that
holds the new columns is built."""

from django.db import migrations, models

LINK_SQL = """
UPDATE dashboards_uniquefact AS u SET previous_day = w.previous, previous_day_in_country = w.previous_in_country
FROM (
    SELECT id,
        LAG(day) OVER (PARTITION BY indicator, dimension, value, subject ORDER BY day, id) AS previous,
        LAG(day) OVER (PARTITION BY indicator, dimension, value, country_id, subject ORDER BY day, id)
            AS previous_in_country
    FROM dashboards_uniquefact
) AS w
WHERE u.id = w.id AND (w.previous IS NOT NULL OR w.previous_in_country IS NOT NULL)
"""


def link(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(LINK_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0007_nationality_from_the_list"),
        ("ventanillas", "0003_window_region"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="uniquefact",
            name="uniquefact_ind_dim_country_day",
        ),
        migrations.AddField(
            model_name="uniquefact",
            name="previous_day",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="uniquefact",
            name="previous_day_in_country",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="uniquefact",
            index=models.Index(
                fields=["indicator", "dimension", "country", "day"],
                include=("value", "previous_day", "previous_day_in_country"),
                name="uniquefact_ind_dim_country_day",
            ),
        ),
        migrations.AddIndex(
            model_name="uniquefact",
            index=models.Index(fields=["subject"], name="uniquefact_subject"),
        ),
    ]
