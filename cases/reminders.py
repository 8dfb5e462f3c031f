"""Reminders about cases, queued in the outbox: a scan every quarter of an hour makes the outbox agree with the
appointments (queue what is missing, move what moved, cancel what is gone), on the channels the person
consented to and outside quiet hours."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message
from notifications.services import cancel_for, enqueue

from .models import Appointment, FollowUp, Person, RegularizationProcess, Stage
from .rules import CONTACT_CHANNELS, contact_channels

APPOINTMENT = "cases.appointment_tomorrow"
DIGEST = "cases.follow_up_digest"
STALE = "cases.stale_process"
PERMIT = "cases.permit_expiring"

REMINDER_HOUR = 10  # the day before an appointment, local time
DIGEST_HOUR = 8  # overdue follow-ups, local time
STALE_DAYS = getattr(settings, "CASES_STALE_PROCESS_DAYS", 30)
PERMIT_DAYS = 60
OPEN_STAGES = [Stage.PREPARING, Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW, Stage.APPEALED]


def _link(name: str, pk: int) -> str:
    return settings.PORTAL_URL + reverse(name, kwargs={"pk": pk})


def migrant_contact(person: Person) -> tuple[str, str] | None:
    """(channel, address) on which the person agreed to be contacted, or None: the first channel of
    ``rules.contact_channels``, which alone decides what consent allows."""
    channels = contact_channels(person)
    if not channels:
        return None
    field = {channel: field for channel, field, _kind in CONTACT_CHANNELS}[channels[0]]
    return channels[0], getattr(person, field)


def appointment_due(appointment: Appointment, now: datetime) -> datetime | None:
    """The day before, at 10:00 in the country's time zone (at once if that is past); None when it is over."""
    if appointment.at <= now:
        return None
    zone = appointment.process.case.window.country.zoneinfo
    day_before = appointment.at.astimezone(zone).date() - timedelta(days=1)
    due = datetime.combine(day_before, time(REMINDER_HOUR), tzinfo=zone)
    return max(due, now)


def sync_appointment(appointment: Appointment, *, now: datetime | None = None) -> list[Message]:
    """Queue the reminders of one appointment (migrant and staffer); cancel those of its former times.

    The keys name the appointment's time, so a moved appointment gets new reminders and the old ones are
    cancelled, while a scan that runs again finds the same rows.
    """
    now = now or timezone.now()
    due = appointment_due(appointment, now)
    stamp = appointment.at.astimezone(UTC).strftime("%Y%m%dT%H%M")
    keys = {who: f"{APPOINTMENT}:{appointment.pk}:{who}:{stamp}" for who in ("migrant", "staff")}
    Message.objects.for_object(appointment).pending().filter(kind=APPOINTMENT).exclude(key__in=keys.values()).update(
        status=Message.Status.CANCELLED, last_error="the appointment moved", updated_at=now
    )
    if due is None:
        cancel_appointment_reminders(appointment)
        return []
    case = appointment.process.case
    country = case.window.country
    context = {"at": appointment.at, "place": appointment.place, "purpose": appointment.purpose}
    common = {"kind": APPOINTMENT, "due_at": due, "obj": appointment, "time_zone": country.time_zone}
    queued = []
    contact = migrant_contact(case.person)
    if contact:
        channel, address = contact
        queued.append(
            enqueue(
                channel=channel,
                recipient=address,
                language=case.person.preferred_language,
                template="notifications/reminders/appointment_migrant",
                context=context,
                key=keys["migrant"],
                addressee=case.person,
                **common,
            )
        )
    staffer = case.assigned_to or appointment.created_by
    if staffer and staffer.is_active and staffer.email:
        queued.append(
            enqueue(
                channel="email",
                recipient=staffer.email,
                language=country.default_language,
                template="notifications/reminders/appointment_staff",
                context={**context, "case": case.pk, "link": _link("cases:case-detail", case.pk)},
                key=keys["staff"],
                **common,
            )
        )
    return queued


def cancel_appointment_reminders(appointment: Appointment) -> int:
    """Cancel the pending reminders of an appointment (call it when the appointment is cancelled)."""
    return cancel_for(appointment, APPOINTMENT)


def remind_appointments(now: datetime) -> int:
    """Keep the reminders of the next two days' appointments in step; cancel those of moved or vanished ones."""
    pending = Message.objects.pending().filter(kind=APPOINTMENT)
    pending_ids = {int(pk) for pk in pending.values_list("object_id", flat=True) if pk}
    appointments = Appointment.objects.filter(
        Q(at__gt=now, at__lte=now + timedelta(hours=48)) | Q(pk__in=pending_ids)
    ).select_related(
        "process__case__window__country", "process__case__person", "process__case__assigned_to", "created_by"
    )
    queued, seen = 0, set()
    for appointment in appointments:
        seen.add(str(appointment.pk))
        if appointment.at > now + timedelta(hours=48):
            # Moved further away: its reminder is queued again when the appointment comes within two days.
            cancel_appointment_reminders(appointment)
            continue
        queued += len(sync_appointment(appointment, now=now))
    pending.exclude(object_id__in=seen).update(
        status=Message.Status.CANCELLED, last_error="the appointment was cancelled", updated_at=now
    )
    return queued


def send_follow_up_digests(now: datetime) -> int:
    """From 08:00 in each country: one e-mail a day to each staffer with overdue follow-ups."""
    rows: dict[tuple, list[FollowUp]] = defaultdict(list)
    pending = FollowUp.objects.pending().select_related("assigned_to", "case__window__country")
    for follow_up in pending.filter(due_on__lt=(now + timedelta(days=1)).date()):
        country = follow_up.case.window.country
        local = now.astimezone(country.zoneinfo)
        if local.hour < DIGEST_HOUR or follow_up.due_on >= local.date():
            continue
        rows[(follow_up.assigned_to, country, local.date())].append(follow_up)
    for (user, country, day), items in rows.items():
        if not (user.is_active and user.email):
            continue
        enqueue(
            kind=DIGEST,
            channel="email",
            recipient=user.email,
            language=country.default_language,
            template="notifications/reminders/follow_up_digest",
            context={
                "count": len(items),
                "items": [
                    {"case": f.case_id, "due_on": f.due_on, "link": _link("cases:case-detail", f.case_id)}
                    for f in items
                ],
            },
            key=f"{DIGEST}:{user.pk}:{day.isoformat()}",
            time_zone=country.time_zone,
        )
    return len(rows)


def remind_stale_processes(now: datetime) -> int:
    """Tell the staffer in charge when an open process has had no activity for STALE_DAYS days (once per lull)."""
    count = 0
    stale = RegularizationProcess.objects.filter(
        stage__in=OPEN_STAGES, updated_at__lt=now - timedelta(days=STALE_DAYS), case__status__in=["open", "reopened"]
    ).select_related("case__assigned_to", "case__opened_by", "case__window__country", "pathway")
    for process in stale:
        staffer = process.case.assigned_to or process.case.opened_by
        if not (staffer and staffer.is_active and staffer.email):
            continue
        country = process.case.window.country
        enqueue(
            kind=STALE,
            channel="email",
            recipient=staffer.email,
            language=country.default_language,
            template="notifications/reminders/stale_process",
            context={
                "case": process.case_id,
                "since": process.updated_at,
                "days": (now - process.updated_at).days,
                "link": _link("cases:case-detail", process.case_id),
            },
            obj=process,
            key=f"{STALE}:{process.pk}:{process.updated_at:%Y%m%d%H%M%S}",
            time_zone=country.time_zone,
        )
        count += 1
    return count


def remind_expiring_permits(now: datetime) -> int:
    """Permits expiring within 60 days: the migrant (if they consented to contact) and the staffer, once each."""
    count = 0
    today = now.date()
    expiring = RegularizationProcess.objects.filter(
        stage=Stage.APPROVED, permit_expires_on__gte=today, permit_expires_on__lte=today + timedelta(days=PERMIT_DAYS)
    ).select_related("case__person", "case__assigned_to", "case__opened_by", "case__window__country")
    for process in expiring:
        case, country = process.case, process.case.window.country
        context = {"expires_on": process.permit_expires_on, "permit_type": process.permit_type}
        key = f"{PERMIT}:{process.pk}:{process.permit_expires_on.isoformat()}"
        contact = migrant_contact(case.person)
        if contact:
            channel, address = contact
            enqueue(
                kind=PERMIT,
                channel=channel,
                recipient=address,
                language=case.person.preferred_language,
                template="notifications/reminders/permit_migrant",
                context=context,
                obj=process,
                key=f"{key}:migrant",
                addressee=case.person,
                time_zone=country.time_zone,
            )
            count += 1
        staffer = case.assigned_to or case.opened_by
        if staffer and staffer.is_active and staffer.email:
            enqueue(
                kind=PERMIT,
                channel="email",
                recipient=staffer.email,
                language=country.default_language,
                template="notifications/reminders/permit_staff",
                context={**context, "case": case.pk, "link": _link("cases:case-detail", case.pk)},
                obj=process,
                key=f"{key}:staff",
                time_zone=country.time_zone,
            )
            count += 1
    return count


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "appointments": remind_appointments(now),
        "digests": send_follow_up_digests(now),
        "stale": remind_stale_processes(now),
        "permits": remind_expiring_permits(now),
    }


@shared_task(name="cases.reminders.run", soft_time_limit=120, time_limit=150, ignore_result=True)
def run_reminders() -> dict[str, int]:
    """On the beat every 15 minutes: bring the outbox in step with appointments, follow-ups and processes."""
    return run()
