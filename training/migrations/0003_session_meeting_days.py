import datetime as dt

from django.db import migrations, models


def every_day_for_existing_sessions(apps, schema_editor):
    """Sessions created before meeting days existed met on every day of their period: keep it so."""
    Session = apps.get_model("training", "Session")
    for session in Session.objects.filter(meeting_days=[]).only("pk", "starts_on", "ends_on").iterator():
        count = (session.ends_on - session.starts_on).days + 1
        days = [(session.starts_on + dt.timedelta(days=n)).isoformat() for n in range(count)]
        Session.objects.filter(pk=session.pk).update(meeting_days=days)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_session_cancellation"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="meeting_days",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The days the session meets. Empty: the first and last day and every weekday between them.",
                verbose_name="meeting days",
            ),
        ),
        migrations.RunPython(every_day_for_existing_sessions, migrations.RunPython.noop, elidable=True),
    ]
