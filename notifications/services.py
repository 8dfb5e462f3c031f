"""The outbox's services: queue a message, make it follow its object, claim due rows and send them.

Delivery is at-least-once between the portal and the gateway, made exactly-once AT the gateway: every
message carries its own idempotency key (``Message.uuid``). A worker that dies after the gateway accepted
a message but before the row says "sent" leaves the row "sending"; once its lease ends another worker
claims it again and resends with the same key, and the gateway answers with the message it already has
instead of sending a second one. Marking the row "sent" before calling the gateway would instead lose
messages on a crash, which is worse for an appointment reminder than the rare duplicate e-mail (SMTP has
no idempotency key; the stable Message-ID header lets mail clients fold a duplicate).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .keys import recipient_digest
from .models import Channel, Message, Report

logger = logging.getLogger(__name__)

Status = Message.Status


def _setting(name: str, default):
    return getattr(settings, name, default)


# -- context: JSON, with dates and datetimes kept as such -------------------------------------------------


class _ContextEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, datetime):
            if timezone.is_naive(o):
                raise ValueError("Pass aware datetimes in a message context.")
            return {"__datetime__": o.isoformat()}
        if isinstance(o, date):
            return {"__date__": o.isoformat()}
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, models.Model):
            raise TypeError("Pass plain values, not model instances, in a message context.")
        return super().default(o)


def _revive(obj: dict):
    if set(obj) == {"__datetime__"}:
        return datetime.fromisoformat(obj["__datetime__"])
    if set(obj) == {"__date__"}:
        return date.fromisoformat(obj["__date__"])
    return obj


def dump_context(context: dict) -> str:
    return json.dumps(context or {}, cls=_ContextEncoder, sort_keys=True)


def load_context(text: str) -> dict:
    return json.loads(text or "{}", object_hook=_revive)


# -- quiet hours -------------------------------------------------------------------------------------------


def quiet_hours() -> tuple[int, int]:
    """(start, end) hours, local time, during which no SMS or WhatsApp goes out."""
    return tuple(_setting("NOTIFICATIONS_QUIET_HOURS", (20, 8)))


def out_of_quiet_hours(when: datetime, time_zone: str) -> datetime:
    """``when`` itself, or the end of the quiet hours it falls in (in ``time_zone``)."""
    start, end = quiet_hours()
    if not time_zone or start == end:
        return when
    zone = ZoneInfo(time_zone)
    local = when.astimezone(zone)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return when
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=zone).astimezone(when.tzinfo or UTC)


def _due_for_channel(channel: str, due: datetime, time_zone: str) -> datetime:
    if channel in (Channel.SMS, Channel.WHATSAPP):
        return out_of_quiet_hours(due, time_zone)
    return due


# -- the unique key ----------------------------------------------------------------------------------------


def _recipient_digest(recipient: str) -> str:
    return recipient_digest(recipient)


def default_key(*, obj: models.Model | None, kind: str, channel: str, recipient: str, due_at: datetime) -> str:
    """(object, kind, channel, recipient, due time): the same reminder is never queued twice.

    The recipient enters as a keyed hash, so that one reminder may go to a staffer and to the migrant
    on the same channel, and the key itself reveals no address.
    """
    target = "-"
    if obj is not None:
        target = f"{obj._meta.label_lower}:{obj.pk}"
    stamp = due_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{target}:{kind}:{channel}:{_recipient_digest(recipient)}:{stamp}"[:255]


# -- queueing ----------------------------------------------------------------------------------------------


def enqueue(
    *,
    kind: str,
    channel: str,
    recipient: str,
    language: str,
    template: str,
    context: dict,
    due_at: datetime | None = None,
    obj: models.Model | None = None,
    key: str | None = None,
    time_zone: str = "",
    consent_ok: bool = True,
) -> Message:
    """Queue one message; idempotent on its key (a second call returns the existing row).

    Preconditions: the caller checked that the recipient consented to ``channel`` and passes the result
    as ``consent_ok``; without consent the row is kept as "cancelled" (for the record) and never sent.
    ``time_zone`` (or ``context["time_zone"]``) is the recipient's zone: SMS and WhatsApp due in its
    quiet hours are moved to their end. ``context`` holds plain JSON values, dates and aware datetimes
    (datetimes are shown in ``time_zone`` when the message is rendered); never model instances.
    Side effects: one row, and when the message is due now, a nudge to a worker after commit (if the
    broker is down the nudge is dropped and the beat sends the row within a minute).
    A cancelled row queued again with the same key is scheduled again; a sent one is left alone.
    """
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}.")
    if not recipient:
        raise ValueError("A message needs a recipient.")
    now = timezone.now()
    requested = due_at or now
    time_zone = time_zone or str((context or {}).get("time_zone", ""))
    if time_zone:
        ZoneInfo(time_zone)  # fail early on a misspelt zone
    key = key or default_key(obj=obj, kind=kind, channel=channel, recipient=recipient, due_at=requested)
    fields = {
        "kind": kind,
        "channel": channel,
        "recipient": recipient.strip(),
        "language": language,
        "template": template,
        "context": dump_context(context),
        "time_zone": time_zone,
        "due_at": _due_for_channel(channel, requested, time_zone),
        "status": Status.SCHEDULED if consent_ok else Status.CANCELLED,
        "last_error": "" if consent_ok else "no consent for this channel",
    }
    if obj is not None:
        fields["content_type"] = ContentType.objects.get_for_model(obj)
        fields["object_id"] = str(obj.pk)
    with transaction.atomic():
        existing = Message.objects.select_for_update().filter(key=key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    message = Message.objects.create(key=key, **fields)
            except IntegrityError:
                # Another request queued the same key between our read and our insert.
                return Message.objects.get(key=key)
        elif existing.status == Status.CANCELLED and consent_ok:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.attempts = 0
            existing.save()
            message = existing
        else:
            return existing
    logger.info("notification queued id=%s kind=%s channel=%s status=%s", message.pk, kind, channel, message.status)
    if message.status == Status.SCHEDULED and message.due_at <= now:
        transaction.on_commit(lambda: nudge(message.pk))
    return message


def nudge(message_id: int) -> None:
    """Ask a worker to send a due message now; harmless when the broker is down (the beat sends it)."""
    from .tasks import send_message

    try:
        send_message.delay(message_id)
    except Exception:  # the broker is down or unreachable: the row waits for the beat.
        logger.warning("broker unreachable; notification id=%s waits for the dispatcher", message_id)


def cancel_for(obj: models.Model, kind: str | None = None) -> int:
    """Cancel the scheduled messages of an object (of one kind, or all); returns how many.

    Messages already sent, failed or being sent are left as they are.
    """
    rows = Message.objects.for_object(obj).filter(status=Status.SCHEDULED)
    if kind:
        rows = rows.filter(kind=kind)
    count = rows.update(status=Status.CANCELLED, last_error="cancelled with its object", updated_at=timezone.now())
    if count:
        logger.info("notifications cancelled object=%s:%s kind=%s count=%s", obj._meta.label_lower, obj.pk, kind, count)
    return count


def reschedule_for(obj: models.Model, kind: str, due_at: datetime) -> int:
    """Move the scheduled messages of ``kind`` for ``obj`` to ``due_at``; returns how many moved.

    Quiet hours are applied again per row. A row whose key was derived from its old due time gets the
    key of the new one, so that queueing the reminder again for the new time finds it.
    """
    moved = 0
    with transaction.atomic():
        rows = Message.objects.for_object(obj).filter(kind=kind, status=Status.SCHEDULED).select_for_update()
        for message in rows:
            new_key = default_key(
                obj=obj, kind=kind, channel=message.channel, recipient=message.recipient, due_at=due_at
            )
            key_taken = Message.objects.filter(key=new_key).exclude(pk=message.pk).exists()
            if message.key.startswith(f"{obj._meta.label_lower}:{obj.pk}:{kind}:") and not key_taken:
                message.key = new_key
            message.due_at = _due_for_channel(message.channel, due_at, message.time_zone)
            message.save(update_fields=["key", "due_at", "updated_at"])
            moved += 1
    return moved


# -- claiming and sending ----------------------------------------------------------------------------------


def lease_seconds() -> int:
    return int(_setting("NOTIFICATIONS_LEASE_SECONDS", 300))


def _claimable(now: datetime) -> Q:
    # A row is claimable when due, or when a worker claimed it and its lease ran out (the worker died).
    return Q(status=Status.SCHEDULED, due_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)


def claim_due(*, limit: int = 10, message_id: int | None = None) -> list[Message]:
    """Claim up to ``limit`` due messages for this worker and return them.

    The claim is a conditional UPDATE stamped with a fresh token: two workers racing for a row both run
    it, only one matches the WHERE again, and each reads back only the rows bearing its own token. On
    PostgreSQL the candidate rows are picked with SKIP LOCKED so that concurrent workers take different
    rows instead of queueing behind each other's locks.
    """
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = Message.objects.filter(_claimable(now))
        if message_id is not None:
            candidates = candidates.filter(pk=message_id)
        candidates = candidates.order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(_claimable(now), pk__in=ids).update(
            status=Status.SENDING,
            claim=token,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return list(Message.objects.filter(claim=token, status=Status.SENDING).order_by("due_at", "pk"))


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most six hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def max_attempts() -> int:
    return int(_setting("NOTIFICATIONS_MAX_ATTEMPTS", 8))


def deliver(message: Message) -> str:
    """Send one claimed message and record the outcome; returns its new status.

    Preconditions: ``message`` was claimed by this worker (status "sending", ``claim`` set). Every
    update below is conditional on that claim: if the lease ran out and another worker took the row,
    this worker records nothing and leaves the outcome to that worker.
    """
    from .channels import PermanentError, send

    mine = Message.objects.filter(pk=message.pk, claim=message.claim, status=Status.SENDING)
    now = timezone.now
    try:
        provider_id = send(message)
    except PermanentError as exc:
        mine.update(status=Status.FAILED, last_error=str(exc)[:2000], lease_until=None, updated_at=now())
        logger.warning("notification failed for good id=%s kind=%s error=%s", message.pk, message.kind, exc)
        return Status.FAILED
    except Exception as exc:  # transient: network, 429, 5xx, anything unexpected
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= max_attempts():
            mine.update(status=Status.FAILED, last_error=error, lease_until=None, updated_at=now())
            logger.warning("notification failed after %s attempts id=%s", message.attempts, message.pk)
            return Status.FAILED
        retry_at = _due_for_channel(message.channel, now() + retry_delay(message.attempts), message.time_zone)
        mine.update(status=Status.SCHEDULED, due_at=retry_at, last_error=error, lease_until=None, updated_at=now())
        logger.info("notification retry id=%s attempt=%s at=%s", message.pk, message.attempts, retry_at.isoformat())
        return Status.SCHEDULED
    mine.update(
        status=Status.SENT,
        sent_at=now(),
        provider_id=(provider_id or "")[:100],
        last_error="",
        lease_until=None,
        updated_at=now(),
    )
    logger.info("notification sent id=%s kind=%s channel=%s", message.pk, message.kind, message.channel)
    return Status.SENT


def dispatch_due(*, budget_seconds: float = 45.0, batch: int = 10) -> dict[str, int]:
    """Send due messages, batch after batch, until none is due or the time budget is spent.

    The budget stays under the task's soft time limit: the beat starts the next run a minute later.
    Returns counts per resulting status.
    """
    deadline = timezone.now() + timedelta(seconds=budget_seconds)
    counts: dict[str, int] = {}
    while timezone.now() < deadline:
        claimed = claim_due(limit=batch)
        if not claimed:
            break
        for message in claimed:
            status = deliver(message)
            counts[status] = counts.get(status, 0) + 1
    return counts


def send_now(message_id: int) -> str | None:
    """Send one message if it is due and nobody else holds it; returns its new status, or None."""
    claimed = claim_due(limit=1, message_id=message_id)
    return deliver(claimed[0]) if claimed else None


# -- reports ------------------------------------------------------------------------------------------------


def request_report(*, kind: str, country, period_start: date, period_end: date, by=None) -> tuple[Report, bool]:
    """The report of a place and period: its latest stored version, or a new one marked "building".

    Returns (report, created). A failed report is marked "building" again (and counts as created), so
    that asking again retries it; a ready, incomplete or building one is returned as it is (an officer
    rebuilds it with ``rebuild_report``). The caller starts the build (``tasks.build_report``) after commit
    when ``created`` is true.
    """

    language = country.default_language if country is not None else settings.LANGUAGE_CODE
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(kind=kind, country=country, period_start=period_start)
            .order_by("-version")
            .first()
        )
        created = report is None
        if created:
            report = Report.objects.create(
                kind=kind, country=country, period_start=period_start, period_end=period_end, language=language,
                requested_by=by,
            )  # fmt: skip
        elif report.status == Report.Status.FAILED:
            report.status, report.progress, report.error = Report.Status.BUILDING, 0, ""
            report.save(update_fields=["status", "progress", "error"])
            created = True
    return report, created


def rebuild_report(*, report: Report, by=None) -> tuple[Report, bool]:
    """A new version of a report, from today's figures, kept beside the older ones (each with its date).

    Returns (new version, created). While a version of the same report is still being built, that one is
    returned and nothing is created. The caller starts the build after commit when ``created`` is true.
    """
    with transaction.atomic():
        versions = Report.objects.select_for_update().filter(
            kind=report.kind, country=report.country_id, period_start=report.period_start
        )
        latest = versions.order_by("-version").first()
        if latest.status == Report.Status.BUILDING:
            return latest, False
        new = Report.objects.create(
            kind=report.kind, country_id=report.country_id, period_start=report.period_start,
            period_end=report.period_end, language=report.language, requested_by=by, version=latest.version + 1,
        )  # fmt: skip
    return new, True


def report_is_stale(report: Report) -> bool:
    """Whether the figures of a built report differ from today's (the sections are run again to tell)."""
    from . import reports

    if report.status not in (Report.Status.READY, Report.Status.INCOMPLETE):
        return False
    return reports.digest(reports.collect(report)) != report.figures_digest


def build_report(report_id: int) -> str:
    """Build a report's XLSX and PDF, store them, and mark it ready (and e-mail its readers) or, when a
    section could not be computed, incomplete (and mail nobody); returns its status.

    Runs in a worker. A report already built is left alone (running twice does no harm twice); an
    exception marks it failed with the error kept for an administrator.
    """
    from portal import locks

    # One build of a report at a time, across workers: the resume job may start one that is already
    # being built by a slow worker.
    with locks.exclusive(f"notifications.report:{report_id}", wait=False) as acquired:
        if not acquired:
            return Report.Status.BUILDING
        return _build_report(report_id)


WAITING_FOR_WORKER = "Waiting for the background worker (the broker could not be reached)."
RESUME_AFTER = timedelta(minutes=2)


def reports_to_resume(now: datetime | None = None) -> list[int]:
    """Reports asked for but not built: the broker was down when they were asked, or the worker that
    built them died. The beat's ``notifications.resume_reports`` starts them again."""
    now = now or timezone.now()
    stale = Report.objects.filter(status=Report.Status.BUILDING, created_at__lt=now - RESUME_AFTER)
    return list(stale.order_by("pk").values_list("pk", flat=True))


def _build_report(report_id: int) -> str:
    from . import reports

    report = Report.objects.select_related("country").get(pk=report_id)
    if report.status in (Report.Status.READY, Report.Status.INCOMPLETE):
        return report.status

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report.pk).update(progress=percent)

    try:
        contents = reports.collect(report, progress)
        place = report.country.code.lower() if report.country_id else "region"
        stem = f"{report.kind}-{place}-{report.period_start:%Y-%m}-v{report.version}"
        report.xlsx.save(f"{stem}.xlsx", ContentFile(reports.to_xlsx(contents)), save=False)
        progress(90)
        report.pdf.save(f"{stem}.pdf", ContentFile(reports.to_pdf(contents)), save=False)
    except Exception as exc:
        logger.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(exc)[:2000])
        return Report.Status.FAILED
    complete = not contents.failed
    report.status = Report.Status.READY if complete else Report.Status.INCOMPLETE
    report.progress, report.built_at, report.figures_digest = 100, timezone.now(), reports.digest(contents)
    report.error = "" if complete else "Sections that failed: " + ", ".join(contents.failed)
    report.save(update_fields=["xlsx", "pdf", "status", "progress", "built_at", "error", "figures_digest"])
    if complete:
        mail_report(report)
    return report.status


def report_readers(report) -> list[tuple[str, str]]:
    """(e-mail, language) of the people a report is sent to: the country's officers, or the regional ones."""
    from ventanillas.models import Membership, Role

    if report.country_id:
        rows = Membership.objects.filter(role=Role.COUNTRY_OFFICER, country=report.country)
    else:
        rows = Membership.objects.filter(role=Role.REGIONAL_OFFICER)
    readers: dict[str, str] = {}
    for membership in rows.select_related("user"):
        user = membership.user
        if user.is_active and user.email:
            readers.setdefault(user.email, membership.language or report.language)
    return sorted(readers.items())


def mail_report(report) -> list[Message]:
    """Queue the "your report is ready" e-mail (with its download link) to each reader, once per report."""
    from django.urls import reverse
    from django.utils import translation

    messages = []
    for email, language in report_readers(report):
        with translation.override(language):
            link = settings.PORTAL_URL + reverse("notifications:report-detail", kwargs={"pk": report.pk})
            place = str(report.country) if report.country_id else ""
        messages.append(
            enqueue(
                kind="report_ready",
                channel=Channel.EMAIL,
                recipient=email,
                language=language,
                template="notifications/messages/report_ready",
                context={
                    "monthly": report.kind == "monthly",
                    "place": place,
                    "period_start": report.period_start,
                    "last_day": report.last_day,
                    "link": link,
                },
                obj=report,
                key=f"report-ready:{report.pk}:{_recipient_digest(email)}",
            )
        )
    return messages


def schedule_monthly_reports(today: date) -> list[int]:
    """Create last month's report of every country; returns the ids of the reports to build."""
    from ventanillas.models import Country

    from .reports import previous_month

    start, end = previous_month(today)
    ids = []
    for country in Country.objects.all():
        report, created = request_report(kind=Report.Kind.MONTHLY, country=country, period_start=start, period_end=end)
        if created:
            ids.append(report.pk)
    return ids


def schedule_quarterly_report(today: date) -> list[int]:
    """Create last quarter's regional report; returns the ids of the reports to build."""
    from .reports import previous_quarter

    start, end = previous_quarter(today)
    report, created = request_report(kind=Report.Kind.QUARTERLY, country=None, period_start=start, period_end=end)
    return [report.pk] if created else []
