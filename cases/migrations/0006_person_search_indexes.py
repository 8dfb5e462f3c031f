"""Person search at scale: the trigram extension and a GiST trigram index on the normalised name key.

``name_key`` is already lower case and without accents (cases.rules.name_key), so the index needs no
unaccent. The index is created with SQL on PostgreSQL only; SQLite (laptops, quick tests) compares names
in Python (cases.selectors.find_people).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_person_name_key_trgm ON cases_person USING gist (name_key gist_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cases_person_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_list_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
