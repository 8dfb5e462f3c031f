from django.db import migrations, models


class Migration(migrations.Migration):
    """The keyed hash is the participant's key: unique (erased participants have none). A migration of its
    own: PostgreSQL builds no index in the transaction that has just updated the rows (0006)."""

    dependencies = [
        ("training", "0007_encrypt_participants"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("email_hash", ""), _negated=True),
                fields=("email_hash",),
                name="participant_email_hash_unique",
            ),
        ),
    ]
