from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_case_window_status_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["window", "person"], name="cases_case_window_person"),
        ),
    ]
