"""A certificate names the programme, the partner institution and the trainer, and carries a QR code to a
public page found by an unguessable token. Certificates issued before get a token and the names their
session has today."""

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import training.models


def fill(apps, schema_editor):
    Certificate = apps.get_model("training", "Certificate")
    for certificate in Certificate.objects.select_related("enrolment__session__partner").iterator():
        session = certificate.enrolment.session
        trainers = [(f"{u.first_name} {u.last_name}".strip() or u.username) for u in session.trainers.order_by("last_name", "username")]
        certificate.token = secrets.token_urlsafe(32)
        certificate.programme = settings.PORTAL_NAME
        certificate.partner_name = str(session.partner.name) if session.partner else ""
        certificate.trainer_name = ", ".join(trainers)[:200]
        certificate.save(update_fields=["token", "programme", "partner_name", "trainer_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0005_participant_unsubscribe"),
        ("ventanillas", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="partner",
            field=models.ForeignKey(
                blank=True,
                help_text="The institution the session is given with; its certificates name it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="training_sessions",
                to="ventanillas.partnerorganisation",
                verbose_name="partner institution",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="programme",
            field=models.CharField(blank=True, max_length=160, verbose_name="programme"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="partner_name",
            field=models.CharField(blank=True, max_length=160, verbose_name="partner institution"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="trainer_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="trainer"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="token",
            field=models.CharField(max_length=43, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="token",
            field=models.CharField(
                default=training.models.new_certificate_token, editable=False, max_length=43, unique=True
            ),
        ),
    ]
