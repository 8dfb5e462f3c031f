"""What a data-protection officer checks on training participants: the database holds no name or address in
clear, the person is still found by their e-mail, trainers still read their lists, and erasure and the
retention run remove the person everywhere (the outbox included) while the counts stay."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from notifications import consent
from notifications.models import Message
from notifications.services import enqueue, messages_for_addressee
from tests.conftest import _client_for
from training import selectors, services
from training.models import Certificate, Enrolment, Participant, Status

from .conftest import person
from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def raw_participants() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name, phone, institution, email_hash FROM training_participant ORDER BY id")
        return cursor.fetchall()


def raw_certificate_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT participant_name FROM training_certificate")
        return [row[0] for row in cursor.fetchall()]


def ana(cr, **overrides):
    values = {"email": "Ana.Perez@MTSS.example", "name": "Ana Pérez Solís", "phone": "+506 8888 1234",
              "institution": "Ministerio de Trabajo"}  # fmt: skip
    return person(1, cr, **{**values, **overrides})


def test_the_database_holds_no_name_address_phone_or_institution_of_a_participant_in_clear(session, cr):
    services.request_enrolment(session=session, data=ana(cr))
    [(email, name, phone, institution, digest)] = raw_participants()
    dump = " ".join([email, name, phone, institution]).lower()
    # Whole values and pieces no ciphertext can hold (a space, "é", "@"): three letters alone turn up by chance in
    # base64 now and then.
    for clear in ("ana.perez", "@mtss", "pérez", "ana pérez", "8888", "ministerio"):
        assert clear not in dump
    assert len(digest) == 64 and "ana" not in digest
    participant = Participant.objects.get()
    assert (participant.email, participant.name) == ("ana.perez@mtss.example", "Ana Pérez Solís")


def test_the_name_on_a_certificate_is_encrypted_and_still_printed(cr, enrol, session):
    enrolment = enrol(session, 1, name="Ana Pérez Solís")
    Certificate.objects.create(
        enrolment=enrolment, code="ABCDEFGHJK", participant_name="Ana Pérez Solís", course_title="Curso",
        hours=12, completed_on=session.ends_on,
    )  # fmt: skip
    assert "Ana" not in raw_certificate_names()[0]
    assert Certificate.objects.get().participant_name == "Ana Pérez Solís"


def test_enrolling_twice_with_the_address_in_another_case_finds_the_same_person(cr, session):
    first, _new = services.enrol_verified(session=session, data=ana(cr))
    other = SessionFactory(country=cr)
    second, _new = services.enrol_verified(session=other, data=ana(cr, email=" ANA.perez@mtss.EXAMPLE "))
    assert first.participant_id == second.participant_id
    assert Participant.objects.count() == 1
    assert Participant.objects.with_email("ana.perez@mtss.example").get().pk == first.participant_id


def test_the_trainers_roster_csv_reads_in_clear(trainer_client, session, enrol):
    enrol(session, 1, name="Ana Pérez Solís", institution="Ministerio de Trabajo")
    body = trainer_client.get(f"/en/training/staff/sessions/{session.pk}/roster.csv").content.decode("utf-8-sig")
    assert "Ana Pérez Solís,persona1@ministerio.example,Ministerio de Trabajo" in body


def test_the_lists_sort_by_name_although_names_are_encrypted(session, enrol):
    for n, name in [(1, "Zoila Vargas"), (2, "ana Mora"), (3, "Bruno Díaz")]:
        enrol(session, n, name=name)
    assert [e.participant.name for e in selectors.roster(session)] == ["ana Mora", "Bruno Díaz", "Zoila Vargas"]


def test_after_a_key_rotation_the_participant_is_still_found_by_their_address(cr, session, settings):
    settings.FIELD_ENCRYPTION_KEYS = ["tests-only-field-key"]
    settings.SEARCH_HASH_KEYS = ["tests-only-hash-key"]
    enrolment, _new = services.enrol_verified(session=session, data=ana(cr))
    [before] = raw_participants()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "tests-only-field-key"]
    settings.SEARCH_HASH_KEYS = ["a-new-hash-key", "tests-only-hash-key"]
    # before the rotation has run, the old hash is still found (a lookup tries every key)
    assert Participant.objects.with_email("ana.perez@mtss.example").get().pk == enrolment.participant_id
    call_command("rotate_field_keys", "--no-progress", stdout=io.StringIO())
    [after] = raw_participants()
    assert after[0] != before[0] and after[4] != before[4]
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    settings.SEARCH_HASH_KEYS = settings.SEARCH_HASH_KEYS[:1]
    found = Participant.objects.with_email("ANA.PEREZ@mtss.example").get()
    assert (found.name, found.phone, found.institution) == (
        "Ana Pérez Solís",
        "+506 8888 1234",
        "Ministerio de Trabajo",
    )
    # enrolling again by the same address finds the person, not a second one
    services.enrol_verified(session=SessionFactory(country=cr), data=ana(cr))
    assert Participant.objects.count() == 1


def _legacy_messages(enrolment: Enrolment) -> tuple[Message, Message]:
    """Rows queued before messages named their person: one about the enrolment, one only to the address."""
    common = {"kind": "training.reminder", "channel": "email", "language": "es", "template": "t",
              "due_at": timezone.now() + dt.timedelta(days=1)}  # fmt: skip
    about = enqueue(recipient="ana.perez@mtss.example", context={"name": "Ana"}, obj=enrolment, key="old-1", **common)
    to_address = enqueue(recipient="Ana.Perez@mtss.example", context={"name": "Ana"}, key="old-2", **common)
    assert about.addressee == to_address.addressee == ""
    return about, to_address


def test_erasure_removes_the_participant_everywhere_and_keeps_the_counts(cr, session, staff_cr):
    enrolment, _new = services.enrol_verified(session=session, data=ana(cr))
    about, to_address = _legacy_messages(enrolment)
    stranger = enqueue(kind="x", channel="email", recipient="otra@example.org", language="es", template="t",
                       context={"name": "Otra"}, key="other")  # fmt: skip
    before = selectors.people_trained(Enrolment.objects.all())["totals"]
    participant = services.erase_participant(participant=enrolment.participant, by=staff_cr)

    assert participant.anonymised_at is not None
    [(email, raw_name, phone, institution, digest)] = raw_participants()
    assert (email, phone, institution, digest) == ("", "", "", "") and "Ana" not in raw_name
    assert participant.name == "—" and (participant.sector, participant.sex) == ("government", "female")
    assert not Participant.objects.with_email("ana.perez@mtss.example").exists()
    # the seat is given back, the enrolment stays (cancelled) for the counts
    enrolment.refresh_from_db()
    session.refresh_from_db()
    assert enrolment.status == Status.CANCELLED and session.seats_taken == 0
    assert selectors.people_trained(Enrolment.objects.all())["totals"] == before
    # every message to the person goes, those queued before messages named their person included
    for message in Message.objects.exclude(pk=stranger.pk):
        assert (message.recipient, message.context, message.recipient_hash) == ("", "{}", "")
        assert message.purged_at is not None
    assert {about.pk, to_address.pk} <= set(
        Message.objects.filter(purged_at__isnull=False).values_list("pk", flat=True)
    )
    stranger.refresh_from_db()
    assert stranger.recipient == "otra@example.org" and stranger.purged_at is None
    with pytest.raises(services.TrainingError):
        services.erase_participant(participant=participant, by=staff_cr)


def test_the_daily_retention_run_anonymises_participants_inactive_for_their_countrys_period(cr, session):
    old, _new = services.enrol_verified(session=session, data=ana(cr))
    Certificate.objects.create(
        enrolment=old, code="ABCDEFGHJK", participant_name="Ana Pérez Solís", course_title="Curso", hours=12,
        completed_on=session.ends_on,
    )  # fmt: skip
    Enrolment.objects.filter(pk=old.pk).update(status=Status.COMPLETED)
    _legacy_messages(old)
    later = SessionFactory(country=cr, starts_on=timezone.localdate() + dt.timedelta(days=60),
                           ends_on=timezone.localdate() + dt.timedelta(days=61))  # fmt: skip
    recent, _new = services.enrol_verified(session=later, data=person(2, cr, name="Bruno Díaz"))
    trained = selectors.people_trained(selectors.completed_enrolments(Enrolment.objects.all()))["totals"]

    # the old session ended more than the country's period ago; the other one is still ahead of that limit
    when = timezone.now() + dt.timedelta(days=cr.retention_days + 30)
    report = case_services.run_retention(now=when)

    assert report["training_participants"] == 1
    gone = Participant.objects.get(pk=old.participant_id)
    kept = Participant.objects.get(pk=recent.participant_id)
    assert gone.anonymised_at is not None and gone.name == "—" and gone.email == ""
    assert kept.anonymised_at is None and kept.name == "Bruno Díaz"
    assert Certificate.objects.get().participant_name == "—"
    assert selectors.people_trained(selectors.completed_enrolments(Enrolment.objects.all()))["totals"] == trained
    assert all(m.purged_at for m in Message.objects.filter(addressee=f"training.participant:{gone.pk}"))
    assert not Message.objects.filter(addressee="", purged_at__isnull=True).exists()
    assert messages_for_addressee(kept)[0]["recipient"] == "persona2@ministerio.example"
    # run again: nothing more to do
    assert case_services.run_retention(now=when)["training_participants"] == 0


def test_an_anonymised_participant_is_written_to_no_more(cr, session, staff_cr):
    enrolment, _new = services.enrol_verified(session=session, data=ana(cr))
    services.erase_participant(participant=enrolment.participant, by=staff_cr)
    assert not consent.allows(f"training.participant:{enrolment.participant_id}", "email", "training.reminder")


def test_the_admin_finds_a_participant_by_their_exact_address_and_erases_them(admin_user, cr, session):
    enrolment, _new = services.enrol_verified(session=session, data=ana(cr))
    services.enrol_verified(session=session, data=person(2, cr, name="Bruno Díaz"))
    client = _client_for(admin_user)
    page = client.get("/admin/training/participant/", {"q": " ANA.perez@mtss.example"}).content.decode()
    assert "Ana Pérez Solís" in page and "Bruno Díaz" not in page
    assert "Ana Pérez" not in client.get("/admin/training/participant/", {"q": "Ana"}).content.decode()
    response = client.post(
        "/admin/training/participant/",
        {"action": "erase", "_selected_action": [enrolment.participant_id]},
        follow=True,
    )
    assert "Se borraron los datos personales de 1 participante." in response.content.decode()  # (admin in es)
    assert Participant.objects.get(pk=enrolment.participant_id).anonymised_at is not None


@pytest.mark.django_db(transaction=True)
def test_rolling_the_encryption_back_gives_the_clear_columns_and_applying_it_again_encrypts_them(session, cr):
    from django.db.migrations.executor import MigrationExecutor

    services.request_enrolment(session=session, data=ana(cr))

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate([target])

    migrate(("training", "0006_certificate_names_and_check_token"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name, institution FROM training_participant")
        assert cursor.fetchall() == [("ana.perez@mtss.example", "Ana Pérez Solís", "Ministerio de Trabajo")]

    migrate(("training", "0008_participant_email_hash_unique"))
    [(email, name, _phone, _institution, _digest)] = raw_participants()
    assert "ana" not in (email + name).lower()
    assert Participant.objects.get().name == "Ana Pérez Solís"
