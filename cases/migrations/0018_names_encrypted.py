"""People's names encrypted, and searched through a blind index instead of words in clear.

- ``given_names`` and ``family_names`` become encrypted fields (field keys); every existing name is
  encrypted here.
- ``name_tokens``: the keyed hashes of the pieces of each name word (``cases.name_index``), computed here for
  every person; on PostgreSQL a GIN index answers the search from them.
- The clear copies go: ``name_key``, its words (``name_words``, PostgreSQL) and the list of every word any
  name used (``cases_name_word`` and its trigger, migration 0014).

Reversible for an operator rolling the schema back: unapplying writes the names back in clear, as the old
columns held them, with their name key, its words and the word list.
"""

from django.db import migrations, models

import privacy.fields
from cases.name_index import name_key, name_tokens

DROP_WORDS = [
    "DROP TRIGGER IF EXISTS cases_person_name_words ON cases_person",
    "DROP FUNCTION IF EXISTS cases_name_word_add()",
    "DROP TABLE IF EXISTS cases_name_word",
    "DROP INDEX IF EXISTS cases_person_name_words",
    "ALTER TABLE cases_person DROP COLUMN IF EXISTS name_words",
]

# Migration 0014 as it was (the trigram index it dropped is not made again).
MAKE_WORDS = [
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    "ALTER TABLE cases_person ADD COLUMN name_words text[] GENERATED ALWAYS AS (string_to_array(name_key, ' ')) STORED",
    "CREATE INDEX cases_person_name_words ON cases_person USING gin (name_words)",
    "CREATE TABLE cases_name_word (word text PRIMARY KEY)",
    """
    CREATE FUNCTION cases_name_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO cases_name_word (word)
        SELECT w FROM unnest(string_to_array(NEW.name_key, ' ')) AS w WHERE w <> ''
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER cases_person_name_words AFTER INSERT OR UPDATE OF name_key ON cases_person
    FOR EACH ROW WHEN (NEW.name_key <> '') EXECUTE FUNCTION cases_name_word_add()
    """,
    """
    INSERT INTO cases_name_word (word)
    SELECT DISTINCT w FROM cases_person, unnest(string_to_array(name_key, ' ')) AS w WHERE w <> ''
    ON CONFLICT DO NOTHING
    """,
]

MAKE_TOKEN_INDEX = ["CREATE INDEX cases_person_name_tokens ON cases_person USING gin (name_tokens)"]
DROP_TOKEN_INDEX = ["DROP INDEX IF EXISTS cases_person_name_tokens"]


def on_postgresql(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


def encrypt_names(apps, schema_editor):
    """Every name, in clear until now, is encrypted with the current field key; its tokens are computed."""
    Person = apps.get_model("cases", "Person")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, given_names, family_names FROM cases_person ORDER BY id")
        rows = cursor.fetchall()
    for pk, given, family in rows:
        Person._base_manager.filter(pk=pk).update(
            given_names=given or "", family_names=family or "", name_tokens=name_tokens(given, family)
        )


def clear_names(apps, schema_editor):
    """Back to the former columns: the names in clear (the historical model decrypts what it reads; the clear
    values are written past the field) and their name key."""
    Person = apps.get_model("cases", "Person")
    with schema_editor.connection.cursor() as cursor:
        for pk, given, family in Person._base_manager.values_list("pk", "given_names", "family_names").iterator():
            cursor.execute(
                "UPDATE cases_person SET given_names = %s, family_names = %s, name_key = %s WHERE id = %s",
                [given, family, name_key(given, family), pk],
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_fee_not_negative")]

    operations = [
        migrations.RunPython(on_postgresql(DROP_WORDS), on_postgresql(MAKE_WORDS)),
        migrations.AddField(
            model_name="person",
            name="name_tokens",
            field=privacy.fields.KeyedTokensField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(on_postgresql(MAKE_TOKEN_INDEX), on_postgresql(DROP_TOKEN_INDEX)),
        migrations.AlterField(
            model_name="person",
            name="family_names",
            field=privacy.fields.EncryptedCharField(blank=True, max_length=120, verbose_name="family names"),
        ),
        migrations.AlterField(
            model_name="person",
            name="given_names",
            field=privacy.fields.EncryptedCharField(max_length=120, verbose_name="given names"),
        ),
        migrations.RunPython(encrypt_names, clear_names, elidable=False),
        migrations.RemoveField(model_name="person", name="name_key"),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["pk"], "verbose_name": "person", "verbose_name_plural": "people"},
        ),
    ]
