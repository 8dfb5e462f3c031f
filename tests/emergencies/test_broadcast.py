"""The emergency broadcast: to the people who asked for emergency messages, once, in their language, at the
gateway's rate, with progress, pause, resume and cancel; STOP and a withdrawn consent honoured."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from emergencies import services
from emergencies.models import Broadcast
from notifications import channels, stoplist
from notifications.models import Message
from notifications.services import dispatch_due
from tests.cases.factories import make_person
from tests.factories import Role, UserFactory, WindowFactory, country, member

from .factories import declare

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """The broadcast is queued by a task after commit: run it, as a worker would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def haiti(settings):
    settings.EMERGENCY_BROADCAST_RATES = {"sms": 2.0, "whatsapp": 2.0, "email": 1.0}
    ht = country("HT")
    west = WindowFactory(country=ht, region="Ouest", slug="pap")
    north = WindowFactory(country=ht, region="Nord", slug="cap")
    return ht, west, north


@pytest.fixture
def people(haiti):
    """Three in the West who asked for emergency messages (SMS in Kreyòl, SMS in Spanish, e-mail), one in the
    West who did not, one in the North who did."""
    _ht, west, north = haiti
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=west)
    member(clerk, Role.WINDOW_STAFF, window=north)
    every = ("processing", "contact_phone", "contact_email", "emergency")
    return {
        "kreyol": make_person(west, clerk, phone="+509 3700 0001", preferred_language="ht", consents=every),
        "spanish": make_person(west, clerk, phone="+509 3700 0002", preferred_language="es", consents=every),
        "email": make_person(
            west,
            clerk,
            email="ana@example.org",
            preferred_language="fr",
            consents=("processing", "contact_email", "emergency"),
        ),
        "no_consent": make_person(west, clerk, phone="+509 3700 0003", consents=("processing", "contact_phone")),
        "north": make_person(north, clerk, phone="+509 3700 0004", consents=every),
    }


def test_the_broadcast_reaches_those_who_asked_in_the_area_once_in_their_language(haiti, people, on_commit):
    ht, _west, _north = haiti
    emergency = declare(ht, regions=["Ouest"])
    services.write_text(
        emergency=emergency, by=emergency.declared_by, language="fr", title="Ouragan", instructions="Restez."
    )
    with on_commit(execute=True):
        broadcast = services.start_broadcast(emergency=emergency, by=emergency.declared_by)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.recipients) == ("sending", 3)
    messages = {m.addressee: m for m in Message.objects.for_object(broadcast)}
    assert set(messages) == {f"cases.person:{people[k].pk}" for k in ("kreyol", "spanish", "email")}
    kreyol = messages[f"cases.person:{people['kreyol'].pk}"]
    assert (kreyol.channel, kreyol.language) == ("sms", "ht")
    # Spanish is not a public language of Haiti: the text in the language it was written in (Kreyòl).
    assert messages[f"cases.person:{people['spanish'].pk}"].language == "ht"
    assert messages[f"cases.person:{people['email'].pk}"].language == "fr"
    _subject, body = channels.render(kreyol)
    assert "Ouragan Mélissa: rete lakay ou" in body and f"/ht/ht/emergencies/{emergency.pk}/" in body
    assert "STOP" in body
    # Queued again (a worker lost mid-way), nobody gets a second message.
    Broadcast.objects.filter(pk=broadcast.pk).update(status="queueing")
    services.queue_broadcast(broadcast.pk)
    assert Message.objects.for_object(broadcast).count() == 3


def test_messages_are_spaced_at_the_gateways_rate_and_leave_in_the_quiet_hours(haiti, people, on_commit):
    ht, _west, _north = haiti
    emergency = declare(ht)
    with on_commit(execute=True):
        broadcast = services.start_broadcast(emergency=emergency, by=emergency.declared_by)
    sms = list(Message.objects.for_object(broadcast).filter(channel="sms").order_by("due_at"))
    assert len(sms) == 3  # West and North: the whole country
    gaps = [(b.due_at - a.due_at).total_seconds() for a, b in itertools.pairwise(sms)]
    assert gaps == [0.5, 0.5]  # 2 a second
    assert sms[0].due_at - timezone.now() < timedelta(minutes=1)  # not moved to the end of the quiet hours
    assert {m.time_zone for m in sms} == {""}


def test_pause_holds_resume_sends_and_cancel_stops_what_is_left(haiti, people, on_commit):
    ht, _west, _north = haiti
    emergency = declare(ht)
    officer = emergency.declared_by
    client = Client()
    client.force_login(officer)
    with on_commit(execute=True):
        assert client.post(f"/en/staff/emergencies/{emergency.pk}/broadcast/").status_code == 302
    broadcast = Broadcast.objects.get()
    # The first message of each channel is due at once and leaves at once (one SMS, one e-mail).
    page = client.get(f"/en/staff/emergencies/{emergency.pk}/").content.decode()
    assert "Waiting: 2 · sent: 2 · failed: 0 · paused: 0 · cancelled: 0" in page
    assert client.post(f"/en/staff/emergencies/broadcasts/{broadcast.pk}/pause/").status_code == 302
    Message.objects.filter(status="scheduled").update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch_due()
    page = client.get(f"/en/staff/emergencies/{emergency.pk}/").content.decode()
    assert "Waiting: 0 · sent: 2 · failed: 0 · paused: 2 · cancelled: 0" in page
    client.post(f"/en/staff/emergencies/broadcasts/{broadcast.pk}/resume/")
    resumed = Message.objects.for_object(broadcast).filter(status="scheduled").order_by("due_at")
    assert resumed.count() == 2
    Message.objects.filter(pk=resumed.first().pk).update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch_due()
    client.post(f"/en/staff/emergencies/broadcasts/{broadcast.pk}/cancel/")
    page = client.get(f"/en/staff/emergencies/{emergency.pk}/").content.decode()
    assert "Waiting: 0 · sent: 3 · failed: 0 · paused: 0 · cancelled: 1" in page


def test_stop_and_a_withdrawn_consent_are_honoured_when_the_message_leaves(haiti, people, on_commit):
    from cases import services as cases_services

    ht, _west, _north = haiti
    emergency = declare(ht, regions=["Ouest"])
    stoplist.stop("sms", "+50937000001")  # the Kreyòl reader texted STOP
    with on_commit(execute=True):
        broadcast = services.start_broadcast(emergency=emergency, by=emergency.declared_by)
    # The Spanish reader withdraws the consent after the broadcast was queued, before the message left.
    cases_services.withdraw_consent(person=people["spanish"], kind="emergency", by=emergency.declared_by)
    Message.objects.filter(status="scheduled").update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch_due()
    statuses = {m.addressee: m.status for m in Message.objects.for_object(broadcast)}
    assert statuses[f"cases.person:{people['kreyol'].pk}"] == "cancelled"
    assert statuses[f"cases.person:{people['spanish'].pk}"] == "cancelled"
    assert statuses[f"cases.person:{people['email'].pk}"] == "sent"


def test_only_the_emergencys_officers_broadcast(haiti, people):
    ht, west, _north = haiti
    emergency = declare(ht)
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=west)
    client = Client()
    client.force_login(clerk)
    assert client.post(f"/ht/staff/emergencies/{emergency.pk}/broadcast/").status_code == 404
    assert not Broadcast.objects.exists()


def test_the_beats_dispatcher_waits_for_messages_falling_due_within_its_run(haiti, people, on_commit):
    """Messages spaced at the gateway's rate leave at that rate within a run, not in one burst a minute: the
    paced dispatcher (the beat's) sends one due in a moment; the unpaced one leaves it for later."""
    ht, _west, _north = haiti
    emergency = declare(ht)
    with on_commit(execute=True):
        broadcast = services.start_broadcast(emergency=emergency, by=emergency.declared_by)
    waiting = Message.objects.for_object(broadcast).filter(status="scheduled")
    assert waiting.count() == 2
    waiting.update(due_at=timezone.now() + timedelta(seconds=1))
    dispatch_due(budget_seconds=5)
    assert waiting.count() == 2
    dispatch_due(budget_seconds=5, pace=True)
    assert not waiting.exists()
    assert Message.objects.for_object(broadcast).filter(status="sent").count() == 4


def test_a_second_run_after_some_left_adds_nobody_and_changes_nothing_and_nothing_is_stored_in_clear(
    haiti, people, on_commit, monkeypatch
):
    """Queued in batches (one of two rows here, so that every batch goes through the insert that leaves out
    keys already queued); run again after a lost worker, the rows already queued, sent or not, stay as they
    were; addresses and texts are stored encrypted."""
    from django.db import connection

    from notifications import services as outbox

    many = outbox.enqueue_many
    monkeypatch.setattr(outbox, "enqueue_many", lambda rows, *, obj: many(rows, obj=obj, batch_size=2))
    ht, _west, _north = haiti
    emergency = declare(ht)
    with on_commit(execute=True):
        broadcast = services.start_broadcast(emergency=emergency, by=emergency.declared_by)
    rows = Message.objects.for_object(broadcast)
    assert rows.count() == 4  # West's three and the North's one
    rows.filter(channel="email").update(status="sent")  # left before the worker was lost
    rows.filter(status="scheduled").update(due_at=timezone.now() + timedelta(hours=1))  # its rate, slowed
    before = {m.pk: (m.status, m.due_at, m.uuid) for m in rows}
    Broadcast.objects.filter(pk=broadcast.pk).update(status="queueing")
    services.queue_broadcast(broadcast.pk)
    assert {m.pk: (m.status, m.due_at, m.uuid) for m in rows} == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, context FROM notifications_message WHERE object_id = %s", [str(broadcast.pk)])
        stored = " ".join(" ".join(row) for row in cursor.fetchall())
    assert "3700" not in stored and "ana@example.org" not in stored and "rete lakay" not in stored.lower()
