from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_process_stage_pathway_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="cases_case_window__de0144_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["window", "status", "id"], name="cases_case_window_status"),
        ),
    ]
