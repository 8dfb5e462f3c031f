"""ThrottleCount and FormSubmission now belong to ``helpers`` (its migration 0001 takes over the tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_form_submission"),
        ("helpers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ThrottleCount"),
                migrations.DeleteModel(name="FormSubmission"),
            ],
            database_operations=[],
        ),
    ]
