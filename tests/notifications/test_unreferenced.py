"""Messages that name no person (queued before messages named one, or answers to a number that wrote in)
are still reached by the person's erasure and subject-access export: through the keyed hash of the address
they went to, which the database keeps instead of the address in clear."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from notifications.models import Message
from notifications.services import enqueue, messages_for_addressee, purge_for_addressee
from tests.cases.factories import make_person

pytestmark = pytest.mark.django_db


def queue(recipient: str, key: str, *, addressee=None, channel: str = "sms") -> Message:
    return enqueue(kind="statuscheck.answer", channel=channel, recipient=recipient, language="es",
                   template="statuscheck/messages/answer", context={"text": "Etapa: en revisión"},
                   due_at=timezone.now() + timedelta(hours=1), key=key, addressee=addressee)  # fmt: skip


def test_the_outbox_keeps_a_keyed_hash_of_the_recipient_never_the_address(window_cr):
    message = queue("+50688881234", "a")
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, recipient_hash FROM notifications_message WHERE id = %s", [message.pk])
        recipient, digest = cursor.fetchone()
    assert "8888" not in recipient and "8888" not in digest and len(digest) == 64


def test_erasure_reaches_the_messages_to_the_persons_address_that_name_no_one(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr, phone="8888 1234", email="rosa@example.org")
    other = make_person(window_cr, staff_cr, phone="8777 0000")
    unreferenced = queue(person.phone, "a")
    by_mail = queue("ROSA@example.org ", "b", channel="email")
    shared_phone_of_another = queue(person.phone, "c", addressee=other)
    stranger = queue("+50687770000", "d")
    assert [m["kind"] for m in messages_for_addressee(person, addresses=[person.phone, person.email])] == [
        "statuscheck.answer",
        "statuscheck.answer",
    ]

    assert purge_for_addressee(person, addresses=[person.phone, person.whatsapp, person.email]) == 2

    for message in (unreferenced, by_mail):
        message.refresh_from_db()
        assert (message.recipient, message.recipient_hash, message.status) == ("", "", "cancelled")
    for message in (shared_phone_of_another, stranger):  # another person's message, another address: kept
        message.refresh_from_db()
        assert message.purged_at is None and message.recipient


def test_a_key_rotation_recomputes_the_recipient_hash_and_erasure_still_finds_the_row(settings, window_cr, staff_cr):
    settings.SEARCH_HASH_KEYS = ["old-hash-key"]
    message = queue("+50688881234", "a")
    before = message.recipient_hash
    settings.SEARCH_HASH_KEYS = ["new-hash-key", "old-hash-key"]
    call_command("rotate_field_keys", "--no-progress", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.recipient_hash not in ("", before)
    settings.SEARCH_HASH_KEYS = ["new-hash-key"]
    assert purge_for_addressee(None, addresses=["+50688881234"]) == 1
