"""Person search at scale, on PostgreSQL: the words of each name, and every word any name has used.

- ``cases_person.name_words``: the words of ``name_key`` as an array, kept by the database itself (a
  generated column), with a GIN index: "people whose name holds one of these words" is an index read.
- ``cases_name_word``: each word that has appeared in a name, added by a trigger whenever a name key is
  written (by the portal, an import or plain SQL alike). The search compares the typed words with this
  short list (fuzzystrmatch's bounded edit distance), then asks for the people holding the near words.
- The GiST trigram index of 0006, which ranked whole names by likeness, is no longer read and is dropped
  (it cost every new person a write).

SQLite has none of this: a laptop compares names in Python (cases.selectors).
"""

from django.db import migrations

FORWARD = [
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
    "DROP INDEX IF EXISTS cases_person_name_key_trgm",
]

BACKWARD = [
    "CREATE INDEX IF NOT EXISTS cases_person_name_key_trgm ON cases_person USING gist (name_key gist_trgm_ops)",
    "DROP TRIGGER IF EXISTS cases_person_name_words ON cases_person",
    "DROP FUNCTION IF EXISTS cases_name_word_add()",
    "DROP TABLE IF EXISTS cases_name_word",
    "DROP INDEX IF EXISTS cases_person_name_words",
    "ALTER TABLE cases_person DROP COLUMN IF EXISTS name_words",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_nationality_from_the_list")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
