"""The throttle counts and handled form tokens, moved from the ``portal`` app: the rows stay where they are
(the state takes over the tables), then the tables are renamed to this app's names."""

from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("throttlecount", "formsubmission"):
        if not ContentType.objects.filter(app_label="helpers", model=model).exists():
            ContentType.objects.filter(app_label="portal", model=model).update(app_label="helpers")


def back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="helpers", model__in=["throttlecount", "formsubmission"]).update(
        app_label="portal"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0002_form_submission"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ThrottleCount",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),  # fmt: skip
                        ("key", models.CharField(max_length=120, unique=True)),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "portal_throttlecount"},
                ),
                migrations.CreateModel(
                    name="FormSubmission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),  # fmt: skip
                        ("token", models.UUIDField(unique=True)),
                        ("model", models.CharField(max_length=100)),
                        ("object_id", models.BigIntegerField(null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={"db_table": "portal_formsubmission"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="throttlecount", table=None),
        migrations.AlterModelTable(name="formsubmission", table=None),
        migrations.RunPython(move_content_types, back),
    ]
