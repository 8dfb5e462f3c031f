"""The outbox: queueing is idempotent, reminders follow their object, and sending is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Message
from notifications.services import cancel_for, claim_due, dispatch_due, enqueue, reschedule_for

pytestmark = pytest.mark.django_db

CR = "America/Costa_Rica"  # UTC-6, no daylight saving


def queue(**overrides) -> Message:
    values = {
        "kind": "appointment_tomorrow",
        "channel": "email",
        "recipient": "ana@example.org",
        "language": "es",
        "template": "notifications/messages/plain",
        "context": {"subject": "Recordatorio", "body": "Mañana a las 9:00 tiene su cita."},
    }
    values.update(overrides)
    return enqueue(**values)


def test_queueing_the_same_reminder_twice_returns_the_same_row(window_cr):
    due = timezone.now() + timedelta(days=1)
    first = queue(obj=window_cr, due_at=due)
    second = queue(obj=window_cr, due_at=due, context={"subject": "otro", "body": "otro"})
    assert first.pk == second.pk
    assert Message.objects.count() == 1


def test_the_same_reminder_to_staffer_and_migrant_makes_two_rows(window_cr):
    due = timezone.now() + timedelta(days=1)
    queue(obj=window_cr, due_at=due, recipient="ana@example.org")
    queue(obj=window_cr, due_at=due, recipient="staff@example.org")
    assert Message.objects.count() == 2


def test_an_explicit_key_makes_queueing_idempotent(window_cr):
    first = queue(key="digest:staff:2026-11-30")
    second = queue(key="digest:staff:2026-11-30", due_at=timezone.now() + timedelta(hours=3))
    assert first.pk == second.pk


def test_the_recipient_is_stored_encrypted_and_the_key_does_not_reveal_it(window_cr):
    message = queue(obj=window_cr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, context, key FROM notifications_message WHERE id = %s", [message.pk])
        recipient, context, key = cursor.fetchone()
    assert "ana@example.org" not in recipient
    assert "cita" not in context
    assert "ana" not in key
    assert Message.objects.get().recipient == "ana@example.org"


def test_cancelling_with_the_object_cancels_only_its_scheduled_reminders(window_cr, window_cr2):
    due = timezone.now() + timedelta(days=1)
    queue(obj=window_cr, due_at=due)
    queue(obj=window_cr, due_at=due, kind="other")
    queue(obj=window_cr2, due_at=due)
    assert cancel_for(window_cr, kind="appointment_tomorrow") == 1
    assert cancel_for(window_cr) == 1
    assert list(Message.objects.values_list("status", flat=True).order_by("pk")) == [
        "cancelled",
        "cancelled",
        "scheduled",
    ]


def test_a_cancelled_reminder_queued_again_is_scheduled_again(window_cr):
    due = timezone.now() + timedelta(days=1)
    queue(obj=window_cr, due_at=due)
    cancel_for(window_cr)
    again = queue(obj=window_cr, due_at=due)
    assert again.status == "scheduled"
    assert Message.objects.count() == 1


def test_rescheduling_moves_the_reminder_and_its_key(window_cr):
    old = timezone.now() + timedelta(days=1)
    new = timezone.now() + timedelta(days=3)
    message = queue(obj=window_cr, due_at=old)
    assert reschedule_for(window_cr, "appointment_tomorrow", new) == 1
    message.refresh_from_db()
    assert message.due_at == new
    # Queueing for the new time (as a caller does after the move) finds the moved row.
    assert queue(obj=window_cr, due_at=new).pk == message.pk
    assert Message.objects.count() == 1


def test_a_sent_reminder_is_neither_cancelled_nor_moved(window_cr):
    message = queue(obj=window_cr)
    dispatch_due()
    assert cancel_for(window_cr) == 0
    assert reschedule_for(window_cr, "appointment_tomorrow", timezone.now() + timedelta(days=2)) == 0
    message.refresh_from_db()
    assert message.status == "sent"


def test_without_consent_nothing_is_sent(window_cr):
    message = queue(consent_ok=False)
    assert message.status == "cancelled"
    dispatch_due()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("local_due", "local_sent"),
    [
        ((2026, 3, 10, 21, 30), (2026, 3, 11, 8, 0)),  # evening: next morning
        ((2026, 3, 11, 3, 0), (2026, 3, 11, 8, 0)),  # night: same morning
        ((2026, 3, 11, 19, 59), (2026, 3, 11, 19, 59)),  # before the quiet hours: as asked
        ((2026, 3, 11, 8, 0), (2026, 3, 11, 8, 0)),
    ],
)
def test_sms_due_in_quiet_hours_waits_for_the_morning_of_the_recipient(local_due, local_sent):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(CR)
    message = queue(channel="sms", recipient="+50688887777", due_at=datetime(*local_due, tzinfo=zone), time_zone=CR)
    assert message.due_at.astimezone(zone) == datetime(*local_sent, tzinfo=zone)


def test_quiet_hours_follow_each_recipients_own_time_zone():
    # 01:30 UTC is 19:30 in Costa Rica (fine) but 21:30 in Santo Domingo (quiet).
    due = datetime(2026, 3, 11, 1, 30, tzinfo=UTC)
    cr = queue(channel="sms", recipient="+50688887777", due_at=due, time_zone=CR)
    do = queue(channel="whatsapp", recipient="+18095551234", due_at=due, context={"time_zone": "America/Santo_Domingo"})
    assert cr.due_at == due
    assert do.due_at == datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # 08:00 in Santo Domingo (UTC-4)


def test_e_mail_is_not_held_by_quiet_hours():
    due = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)  # 22:00 in Costa Rica
    assert queue(due_at=due, time_zone=CR).due_at == due


def test_dispatch_sends_due_e_mail_once_in_the_recipients_language(window_cr):
    queue(obj=window_cr)
    queue(obj=window_cr, kind="later", due_at=timezone.now() + timedelta(hours=1))
    assert dispatch_due() == {"sent": 1}
    assert dispatch_due() == {}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ana@example.org"]
    assert email.subject == "Recordatorio"
    assert "Mañana a las 9:00" in email.body
    sent = Message.objects.get(kind="appointment_tomorrow")
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at
    assert email.extra_headers["Message-ID"] == sent.provider_id


def test_a_bad_address_fails_at_once_and_is_not_retried():
    message = queue(recipient="not-an-address")
    assert dispatch_due() == {"failed": 1}
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == 1
    assert "not a valid e-mail address" in message.last_error


def test_a_transient_failure_is_retried_later_with_growing_delays():
    message = queue()
    with mock.patch("notifications.channels._send_email", side_effect=ConnectionError("down")):
        before = timezone.now()
        assert dispatch_due() == {"scheduled": 1}
        message.refresh_from_db()
        assert message.status == "scheduled"
        assert "down" in message.last_error
        assert message.due_at >= before + timedelta(minutes=1)
        # Not due yet: a second run leaves it alone.
        assert dispatch_due() == {}
    assert services.retry_delay(1) < services.retry_delay(2) < services.retry_delay(3)
    assert services.retry_delay(30) == timedelta(hours=6)


def test_a_message_fails_for_good_after_the_last_attempt(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    message = queue()
    with mock.patch("notifications.channels._send_email", side_effect=ConnectionError("down")):
        dispatch_due()
        Message.objects.filter(pk=message.pk).update(due_at=timezone.now())
        assert dispatch_due() == {"failed": 1}
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2


def test_a_missing_template_fails_without_retry():
    message = queue(template="notifications/messages/nothing_here")
    dispatch_due()
    message.refresh_from_db()
    assert message.status == "failed"


def test_two_claims_never_take_the_same_row():
    for n in range(5):
        queue(recipient=f"p{n}@example.org")
    first = claim_due(limit=3)
    second = claim_due(limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert claim_due(limit=10) == []


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease():
    message = queue()
    (claimed,) = claim_due()
    assert claim_due() == []  # the lease still runs
    Message.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    (again,) = claim_due()
    assert again.claim != claimed.claim and again.attempts == 2
    # The worker that lost its claim neither sends nor records anything; the new claimer sends it once.
    assert services.deliver(claimed) == "sending"
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == "sending"
    services.deliver(again)
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1


def test_queueing_works_with_the_broker_down_and_the_beat_sends_later(django_capture_on_commit_callbacks):
    with (
        mock.patch("notifications.tasks.send_message.delay", side_effect=OSError("Connection refused")) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = queue()
    assert delay.called
    message.refresh_from_db()
    assert message.status == "scheduled"
    assert mail.outbox == []
    dispatch_due()
    assert len(mail.outbox) == 1


@pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER, reason="the nudge goes to a worker through the broker")
def test_a_message_due_now_is_sent_right_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1


def test_context_rejects_model_instances_and_naive_datetimes(window_cr):
    with pytest.raises(TypeError):
        queue(context={"window": window_cr})
    with pytest.raises(ValueError):
        queue(context={"at": datetime(2026, 1, 1, 9)})
