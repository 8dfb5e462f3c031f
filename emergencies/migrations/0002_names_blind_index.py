"""The names of arrivals and searches leave the clear: ``name_key`` (the normalised words of a name) goes from
both tables; an arrival's name is searched through ``name_tokens``, the keyed hashes of the pieces of its words
(``cases.name_index``, as for people), computed here from the encrypted name. On PostgreSQL a GIN index answers
the search. An arrival also keeps the person record it became at a window (``person``, ``linked_at``).

Reversible: unapplying writes the name keys back from the decrypted names.
"""

import django.db.models.deletion
from django.db import migrations, models

import privacy.fields
from cases.name_index import name_key, name_tokens

MAKE_TOKEN_INDEX = "CREATE INDEX emergencies_arrival_name_tokens ON emergencies_arrival USING gin (name_tokens)"  # nosec B105  (SQL, not a secret)
DROP_TOKEN_INDEX = "DROP INDEX IF EXISTS emergencies_arrival_name_tokens"  # nosec B105  (SQL, not a secret)


def on_postgresql(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


def tokens_from_names(apps, schema_editor):
    Arrival = apps.get_model("emergencies", "Arrival")
    for pk, name in Arrival._base_manager.exclude(contact_name__isnull=True).values_list("pk", "contact_name"):
        if name:
            Arrival._base_manager.filter(pk=pk).update(name_tokens=name_tokens(name, ""))


def keys_from_names(apps, schema_editor):
    Arrival = apps.get_model("emergencies", "Arrival")
    LookingFor = apps.get_model("emergencies", "LookingFor")
    for pk, name in Arrival._base_manager.exclude(contact_name__isnull=True).values_list("pk", "contact_name"):
        Arrival._base_manager.filter(pk=pk).update(name_key=name_key(name or ""))
    for pk, name in LookingFor._base_manager.values_list("pk", "sought_name"):
        LookingFor._base_manager.filter(pk=pk).update(name_key=name_key(name or ""))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_consent_emergency"),
        ("emergencies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="arrival",
            name="name_tokens",
            field=privacy.fields.KeyedTokensField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(tokens_from_names, keys_from_names),
        migrations.RunPython(on_postgresql(MAKE_TOKEN_INDEX), on_postgresql(DROP_TOKEN_INDEX)),
        migrations.RemoveField(model_name="arrival", name="name_key"),
        migrations.RemoveField(model_name="lookingfor", name="name_key"),
        migrations.AddField(
            model_name="arrival",
            name="linked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="linked at"),
        ),
        migrations.AddField(
            model_name="arrival",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cases.person",
                verbose_name="person",
            ),
        ),
    ]
