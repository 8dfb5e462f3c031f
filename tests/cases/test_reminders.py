"""Reminders about cases: queued in the outbox at the right local time, on consented channels, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from cases import reminders, services
from cases.models import Appointment, FollowUp
from notifications.models import Message
from notifications.services import dispatch_due

pytestmark = pytest.mark.django_db

CR = ZoneInfo("America/Costa_Rica")  # UTC-6


def book(process, staff, at):
    # Booked a day or more ahead of the scans the test runs (on their clock, not today's).
    return services.book_appointment(
        process=process, at=at, place="DGME, La Uruca", purpose="Entrevista", by=staff, now=at - timedelta(days=2)
    )


@pytest.fixture
def reachable(person_cr, staff_cr):
    """The person gave a WhatsApp number and agreed to be contacted on it."""
    person_cr.whatsapp = "+50688887777"
    person_cr.preferred_language = "ht"
    person_cr.save()
    services.record_consent(person=person_cr, kinds=["contact_whatsapp"], notice_language="ht", by=staff_cr)
    return person_cr


def test_an_appointment_is_reminded_the_day_before_at_ten_local_to_migrant_and_staffer(process_cr, staff_cr, reachable):
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    appointment = book(process_cr, staff_cr, datetime(2026, 3, 11, 14, 0, tzinfo=CR))
    reminders.run(now)
    rows = Message.objects.filter(kind=reminders.APPOINTMENT).order_by("channel")
    assert [(m.channel, m.language) for m in rows] == [("email", "es"), ("whatsapp", "ht")]
    assert {m.due_at.astimezone(CR) for m in rows} == {datetime(2026, 3, 10, 10, 0, tzinfo=CR)}
    assert rows[1].recipient == "+50688887777" and rows[0].recipient == staff_cr.email
    reminders.run(now + timedelta(minutes=15))  # the next scan queues nothing twice
    assert Message.objects.filter(kind=reminders.APPOINTMENT).count() == 2
    assert appointment.pk


def test_without_consent_the_migrant_gets_nothing_but_the_staffer_is_reminded(process_cr, staff_cr):
    book(process_cr, staff_cr, datetime.now(UTC) + timedelta(hours=30))
    reminders.run()
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


def test_a_moved_appointment_moves_its_reminders_and_a_cancelled_one_cancels_them(process_cr, staff_cr, reachable):
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    appointment = book(process_cr, staff_cr, datetime(2026, 3, 11, 14, 0, tzinfo=CR))
    reminders.run(now)
    Appointment.objects.filter(pk=appointment.pk).update(at=datetime(2026, 3, 12, 9, 0, tzinfo=CR))
    reminders.run(now)  # more than two days away now: the old reminders are cancelled, new ones wait
    assert not Message.objects.filter(status="scheduled").exists()
    now += timedelta(hours=6)
    reminders.run(now)
    scheduled = Message.objects.filter(status="scheduled")
    assert scheduled.count() == 2
    assert {m.due_at.astimezone(CR) for m in scheduled} == {datetime(2026, 3, 11, 10, 0, tzinfo=CR)}
    assert Message.objects.filter(status="cancelled").count() == 2
    Appointment.objects.filter(pk=appointment.pk).delete()
    reminders.run(now)
    assert not Message.objects.filter(status="scheduled").exists()


def test_the_reminder_reads_the_appointment_time_in_the_countrys_zone_and_language(process_cr, staff_cr, reachable):
    now = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 10:00 in Costa Rica: due now
    book(process_cr, staff_cr, datetime(2026, 3, 11, 14, 30, tzinfo=CR))
    reminders.run(now)
    Message.objects.update(due_at=datetime.now(UTC))
    assert dispatch_due() == {"sent": 2}
    staff_mail = mail.outbox[0]
    assert "14:30" in staff_mail.body and "DGME, La Uruca" in staff_mail.body
    assert "/cases/" in staff_mail.body


def test_overdue_follow_ups_make_one_morning_digest_per_staffer_at_eight_local(case_cr, staff_cr):
    for days in (1, 3):
        services.plan_follow_up(
            case=case_cr,
            due_on=date(2026, 3, 10) - timedelta(days=days),
            assigned_to=staff_cr,
            note="Llamar",
            by=staff_cr,
        )
    services.plan_follow_up(case=case_cr, due_on=date(2026, 3, 10), assigned_to=staff_cr, note="Hoy", by=staff_cr)
    reminders.run(datetime(2026, 3, 10, 7, 59, tzinfo=CR))
    assert not Message.objects.filter(kind=reminders.DIGEST).exists()
    reminders.run(datetime(2026, 3, 10, 8, 0, tzinfo=CR))
    reminders.run(datetime(2026, 3, 10, 9, 15, tzinfo=CR))
    (digest,) = Message.objects.filter(kind=reminders.DIGEST)
    dispatch_due()
    assert mail.outbox[0].to == [staff_cr.email]
    assert "2" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("/cases/") == 2
    FollowUp.objects.update(done_at=datetime.now(UTC))
    reminders.run(datetime(2026, 3, 11, 8, 0, tzinfo=CR))
    assert Message.objects.filter(kind=reminders.DIGEST).count() == 1
    assert digest.status == "scheduled"


def test_the_digest_waits_for_eight_in_each_country(case_cr, staff_cr):
    services.plan_follow_up(case=case_cr, due_on=date(2026, 3, 1), assigned_to=staff_cr, note="x", by=staff_cr)
    # 13:30 UTC is 07:30 in Costa Rica.
    reminders.run(datetime(2026, 3, 10, 13, 30, tzinfo=UTC))
    assert not Message.objects.exists()
    reminders.run(datetime(2026, 3, 10, 14, 0, tzinfo=UTC))
    assert Message.objects.filter(kind=reminders.DIGEST).count() == 1


def test_a_process_without_activity_is_flagged_once_per_lull(process_cr, staff_cr):
    from cases.models import RegularizationProcess

    old = datetime.now(UTC) - timedelta(days=reminders.STALE_DAYS + 1)
    RegularizationProcess.objects.filter(pk=process_cr.pk).update(updated_at=old)
    reminders.run()
    reminders.run()
    assert Message.objects.filter(kind=reminders.STALE).count() == 1


def test_a_permit_expiring_within_sixty_days_is_reminded_once_to_migrant_and_staffer(process_cr, staff_cr, reachable):
    from cases.models import RegularizationProcess

    today = datetime.now(UTC).date()
    RegularizationProcess.objects.filter(pk=process_cr.pk).update(
        stage="approved", permit_expires_on=today + timedelta(days=59)
    )
    reminders.run()
    reminders.run()
    assert sorted(Message.objects.filter(kind=reminders.PERMIT).values_list("channel", flat=True)) == [
        "email",
        "whatsapp",
    ]
    RegularizationProcess.objects.filter(pk=process_cr.pk).update(permit_expires_on=today + timedelta(days=61))
    Message.objects.all().delete()
    reminders.run()
    assert not Message.objects.filter(kind=reminders.PERMIT).exists()


def test_the_migrant_reads_the_reminder_in_kreyol_with_the_local_time(process_cr, staff_cr, reachable):
    from notifications.channels import render

    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    book(process_cr, staff_cr, datetime(2026, 3, 11, 14, 30, tzinfo=CR))
    reminders.run(now)
    whatsapp = Message.objects.get(channel="whatsapp")
    _subject, body = render(whatsapp)
    assert body.startswith("Rapèl: randevou w la se demen")
    # 14:30 in Costa Rica (20:30 UTC). Django has no Kreyòl date formats: the time shows as "2:30 p.m.".
    assert "14:30" in body and "8:30" not in body and "DGME, La Uruca" in body


def test_a_closed_cases_overdue_follow_up_makes_no_digest(case_cr, staff_cr):
    services.plan_follow_up(case=case_cr, due_on=date(2026, 3, 1), assigned_to=staff_cr, note="x", by=staff_cr)
    services.close_case(case=case_cr, by=staff_cr, reason="resolved")
    reminders.run(datetime(2026, 3, 10, 8, 0, tzinfo=CR))
    assert not Message.objects.filter(kind=reminders.DIGEST).exists()


def test_a_reminder_sent_on_the_day_of_the_appointment_says_today_not_tomorrow(process_cr, staff_cr, reachable):
    from django.utils import translation

    from notifications.channels import render

    today_late = datetime.combine(datetime.now(CR).date(), time(23, 59), tzinfo=CR)
    services.book_appointment(
        process=process_cr, at=today_late, place="DGME", purpose="", by=staff_cr, now=today_late - timedelta(days=2)
    )
    reminders.run(datetime.now(UTC))  # the day before has passed: the reminders leave at once, today
    rows = {m.channel: m for m in Message.objects.filter(kind=reminders.APPOINTMENT)}
    staff_subject, _body = render(rows["email"])
    with translation.override(rows["email"].language):
        assert staff_subject == translation.gettext("Appointment today for case %(case)s") % {
            "case": process_cr.case_id
        }
    _subject, migrant_body = render(rows["whatsapp"])
    with translation.override("ht"):
        today, tomorrow = (
            translation.gettext("Your appointment is today"),
            translation.gettext("Your appointment is tomorrow"),
        )
    assert today != tomorrow
    assert "demen" not in migrant_body.lower()  # Kreyòl "tomorrow"
