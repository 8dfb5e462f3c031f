"""Accent-insensitive full-text search on PostgreSQL: the unaccent extension and one GIN index per language.

The indexes cover the stored search vectors (search_<lang>) that hub.search fills when a text is
published. They are created with SQL on PostgreSQL only: SQLite (laptops, quick tests) has no GIN and
uses the simpler search of hub.search.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

LANGUAGES = ["es", "en", "fr", "nl", "ht"]
TABLES = ["hub_guide", "hub_article"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for lang in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_{lang}_gin ON {table} USING gin (search_{lang})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for lang in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_{lang}_gin")


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
