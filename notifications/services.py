"""The outbox's services: queue a message, make it follow its object and its person, purge it in time,
and build reports. Claiming and sending live one level down in ``delivery`` (with each channel's
guarantee), the context's JSON in ``context`` and the quiet hours in ``timing``, which channels, delivery
and these services all import: imports point one way, services → delivery → channels → context.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from helpers import locks
from privacy import crypto

from . import reports
from .channels import PermanentError, render
from .consent import addressee as addressee_of
from .context import TO_MASK, dump_context, load_context, masked_text
from .delivery import (
    claim_due,
    deliver,
    dispatch_due,
    lease_seconds,
    mark_stuck,
    mark_stuck_sent,
    max_attempts,
    resend_stuck,
    retry_delay,
    send_message,
    send_now,
)
from .keys import recipient_digest, recipient_hash, recipient_hashes
from .masking import forget_secrets
from .models import Channel, Message, Report
from .timing import due_for_channel, out_of_quiet_hours, quiet_hours, setting

__all__ = [
    "HELD",
    "cancel_for",
    "cancel_for_addressee",
    "claim_due",
    "deliver",
    "dispatch_due",
    "dump_context",
    "enqueue",
    "enqueue_many",
    "hold_for",
    "lease_seconds",
    "load_context",
    "mark_stuck",
    "mark_stuck_sent",
    "max_attempts",
    "messages_for_addressee",
    "out_of_quiet_hours",
    "purge_for_addressee",
    "purge_old_messages",
    "quiet_hours",
    "readdress",
    "release_for",
    "resend_stuck",
    "retry_delay",
    "send_now",
]

logger = logging.getLogger(__name__)

Status = Message.Status


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
    addressee: models.Model | None = None,
    secret: tuple[str, ...] = (),
) -> Message:
    """Queue one message; idempotent on its key (a second call returns the existing row).

    Preconditions: the caller checked that the recipient consented to ``channel`` and passes the result
    as ``consent_ok``; without consent the row is kept as "cancelled" (for the record) and never sent.
    ``addressee`` is the record of the person written to (a migrant, a participant; None for staff): the
    dispatcher asks that person's consent again when it sends (``notifications.consent``), and erasure,
    retention and the subject-access export find the person's messages by it.
    ``time_zone`` (or ``context["time_zone"]``) is the recipient's zone: SMS and WhatsApp due in its
    quiet hours are moved to their end. ``context`` holds plain JSON values, dates and aware datetimes
    (datetimes are shown in ``time_zone`` when the message is rendered); never model instances.
    Side effects: one row, and when the message is due now, a nudge to a worker after commit (if the
    broker is down the nudge is dropped and the beat sends the row within a minute).
    A cancelled row queued again with the same key is scheduled again; a sent one is left alone.
    ``secret`` names the context's keys that must not stay at rest (a PIN): masked once the message is
    sent or cancelled, and always in the subject-access export.
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
        "recipient_hash": recipient_hash(recipient),
        "language": language,
        "template": template,
        "context": dump_context({**(context or {}), TO_MASK: sorted(secret)} if secret else context),
        "secrets_held": bool(secret),
        "time_zone": time_zone,
        "due_at": due_for_channel(channel, requested, time_zone),
        "status": Status.SCHEDULED if consent_ok else Status.CANCELLED,
        "last_error": "" if consent_ok else "no consent for this channel",
        "addressee": addressee_of(addressee),
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
    if message.status == Status.CANCELLED:
        forget_secrets(message.pk)
    logger.info("notification queued id=%s kind=%s channel=%s status=%s", message.pk, kind, channel, message.status)
    if message.status == Status.SCHEDULED and message.due_at <= now:
        transaction.on_commit(lambda: nudge(message.pk))
    return message


def enqueue_many(rows, *, obj: models.Model, batch_size: int = 5000) -> int:
    """Queue many messages of one object (an emergency broadcast) in batches: each row holds ``enqueue``'s
    arguments (kind, channel, recipient, language, template, context, due_at, key, time_zone, addressee: a
    record or its reference) and becomes the same row ``enqueue`` would make, consent given. A key already
    queued is left as it is (never queued twice, nor rescheduled), so running it again adds nobody. The rows
    due now are nudged after commit, as ``enqueue`` does; the dispatcher sends the others as they fall due.
    Returns how many rows were offered.

    On PostgreSQL a batch is copied into a temporary table and inserted from it in one statement
    (``_insert_copied``); rows of the same context share its encrypted text (docs/notifications.md).
    """
    content_type = ContentType.objects.get_for_model(obj)
    offered = 0
    pending: list[dict] = []
    now = timezone.now()
    copied = connection.vendor == "postgresql"
    channels = set(Channel.values)
    sealed: dict[str, str] = {}  # a context's JSON -> its encrypted text, made once

    def flush() -> None:
        if copied:
            with transaction.atomic():
                due_now = [pk for pk, due_at in _insert_copied(pending) if due_at <= now]
        else:
            messages = [Message(**values, status=Status.SCHEDULED) for values in pending]
            with transaction.atomic():
                Message.objects.bulk_create(messages, batch_size=1000, ignore_conflicts=True)
            due_keys = [message.key for message in messages if message.due_at <= now]
            due_now = []
            if due_keys:
                due = Message.objects.filter(key__in=due_keys, status=Status.SCHEDULED).values_list("pk", flat=True)
                due_now = list(due)
        pending.clear()
        for pk in due_now:
            transaction.on_commit(lambda pk=pk: nudge(pk))

    for row in rows:
        if row["channel"] not in channels or not row["recipient"]:
            raise ValueError("A message needs a known channel and a recipient.")
        requested = row.get("due_at") or now
        time_zone = row.get("time_zone", "")
        addressee = row.get("addressee")
        context = dump_context(row["context"])
        if copied:
            if context not in sealed:
                sealed[context] = crypto.encrypt(context)
            context = sealed[context]
        pending.append({
            "key": row["key"][:255], "kind": row["kind"], "channel": row["channel"],
            "recipient": row["recipient"].strip(), "recipient_hash": recipient_hash(row["recipient"]),
            "language": row["language"], "template": row["template"], "context": context, "time_zone": time_zone,
            "due_at": due_for_channel(row["channel"], requested, time_zone),
            "addressee": addressee if isinstance(addressee, str) else addressee_of(addressee),
            "content_type_id": content_type.pk, "object_id": str(obj.pk), "created_at": now, "updated_at": now,
        })  # fmt: skip
        offered += 1
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    logger.info("notifications queued in bulk count=%s object=%s:%s", offered, content_type.model, obj.pk)
    return offered


# The columns a queued message is copied with; the others take their values in the INSERT below.
_COPIED = ("uuid", "key", "kind", "channel", "recipient", "recipient_hash", "language", "template", "context",
           "time_zone", "due_at", "addressee", "content_type_id", "object_id", "created_at")  # fmt: skip


def _insert_copied(messages: list[dict]) -> list[tuple[int, datetime]]:
    """Insert ``messages`` (each a message's field values; PostgreSQL, inside a transaction): COPY into a
    temporary table, then one INSERT ... SELECT that leaves out every key already queued. Each message's
    ``context`` is already encrypted; its recipient is encrypted here. Returns the id and due time of each row inserted."""
    table = Message._meta.db_table
    columns = ", ".join(_COPIED)
    with connection.cursor() as cursor:
        # Fixed SQL: the table and column names are the model's own; the values travel by COPY.
        # Dropped at commit; dropped here too when the caller's transaction holds several batches.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.message_copy")
        cursor.execute(
            f"CREATE TEMPORARY TABLE message_copy ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
        )
        with cursor.cursor.copy(f"COPY message_copy ({columns}) FROM STDIN") as copy:
            for m in messages:
                copy.write_row((
                    uuid.uuid4(), m["key"], m["kind"], m["channel"], crypto.encrypt(m["recipient"]),
                    m["recipient_hash"], m["language"], m["template"], m["context"], m["time_zone"], m["due_at"],
                    m["addressee"], m["content_type_id"], m["object_id"], m["created_at"],
                ))  # fmt: skip
        cursor.execute(
            f"INSERT INTO {table} ({columns}, status, attempts, last_error, provider_id, secrets_held, updated_at) "  # noqa: S608  # nosec B608
            f"SELECT {columns}, %s, 0, '', '', false, created_at FROM message_copy "
            "ON CONFLICT (key) DO NOTHING RETURNING id, due_at",
            [Status.SCHEDULED],
        )
        return list(cursor.fetchall())


def nudge(message_id: int) -> None:
    """Ask a worker to send a due message now; harmless when the broker is down (the beat sends it)."""
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
    forget_secrets()
    if count:
        logger.info("notifications cancelled object=%s:%s kind=%s count=%s", obj._meta.label_lower, obj.pk, kind, count)
    return count


HELD = "held: paused by staff"


def hold_for(obj: models.Model) -> int:
    """Pause the scheduled messages of an object (a broadcast): kept, not sent, until ``release_for``.

    A held row is "cancelled" with the note ``HELD``, so the dispatcher passes it by; returns how many.
    """
    count = (
        Message.objects.for_object(obj)
        .filter(status=Status.SCHEDULED)
        .update(status=Status.CANCELLED, last_error=HELD, updated_at=timezone.now())
    )
    logger.info("notifications held object=%s:%s count=%s", obj._meta.label_lower, obj.pk, count)
    return count


def release_for(obj: models.Model, *, per_second: dict[str, float], start: datetime | None = None) -> int:
    """Schedule again the held messages of an object, spaced on each channel at ``per_second[channel]``
    messages a second from ``start`` (now), so that a resumed broadcast keeps its gateway's rate."""
    start = start or timezone.now()
    held = Message.objects.for_object(obj).filter(status=Status.CANCELLED, last_error=HELD).order_by("pk")
    count = 0
    for channel in held.values_list("channel", flat=True).distinct():
        rate = max(float(per_second.get(channel, 1.0)), 0.001)
        rows = list(held.filter(channel=channel).only("pk"))
        for index, row in enumerate(rows):
            row.status, row.last_error, row.attempts = Status.SCHEDULED, "", 0
            row.due_at = start + timedelta(seconds=index / rate)
            row.updated_at = timezone.now()
        Message.objects.bulk_update(rows, ["status", "last_error", "attempts", "due_at", "updated_at"], batch_size=1000)
        count += len(rows)
    logger.info("notifications released object=%s:%s count=%s", obj._meta.label_lower, obj.pk, count)
    return count


def cancel_for_addressee(record: models.Model, *, channels=None, reason: str = "no consent for this channel") -> int:
    """Cancel the scheduled messages to a person (on some channels, or all): consent withdrawn, person
    erased or unsubscribed. Returns how many."""
    rows = Message.objects.filter(addressee=addressee_of(record), status=Status.SCHEDULED)
    if channels is not None:
        rows = rows.filter(channel__in=list(channels))
    count = rows.update(status=Status.CANCELLED, last_error=reason, updated_at=timezone.now())
    forget_secrets()
    if count:
        logger.info("notifications cancelled addressee=%s count=%s", addressee_of(record), count)
    return count


def readdress(old: models.Model, new: models.Model) -> int:
    """The messages written to ``old`` now name ``new`` (a duplicate merged into the record kept): that
    record's erasure and export find them. Returns how many."""
    return Message.objects.filter(addressee=addressee_of(old)).update(addressee=addressee_of(new))


# -- the person's rights: erasure, retention, access ---------------------------------------------------------


def _purge(rows, now: datetime) -> int:
    """Blank recipient and content of ``rows`` (cancelling those still waiting); the row stays for the counts,
    under a key that no longer holds the recipient's digest."""
    count = 0
    rows.filter(status=Status.SCHEDULED).update(status=Status.CANCELLED, last_error="purged", updated_at=now)
    for pk, uuid_ in rows.filter(purged_at__isnull=True).values_list("pk", "uuid").iterator():
        count += Message.objects.filter(pk=pk, purged_at__isnull=True).update(
            recipient="", recipient_hash="", context="{}", key=f"purged:{uuid_}", purged_at=now, updated_at=now
        )
    return count


def _unreferenced_to(addresses) -> models.QuerySet:
    """Messages that name no person but went to one of ``addresses`` (found by the keyed hash): rows queued
    before messages named their person, and answers to a number that wrote in."""
    hashes = recipient_hashes(addresses)
    if not hashes:
        return Message.objects.none()
    return Message.objects.filter(addressee="", recipient_hash__in=hashes)


def purge_for_addressee(record: models.Model | None, *, objects=(), addresses=()) -> int:
    """Erasure: every message to the person (``record``), every message about ``objects`` (their
    appointments and processes, e.g. the staffer's reminder that names the place, or their enrolments),
    and every message naming no person sent to one of the person's ``addresses`` (read them before
    blanking them) keeps no recipient and no content."""
    now = timezone.now()
    count = _purge(Message.objects.filter(addressee=addressee_of(record)), now) if record is not None else 0
    for obj in objects:
        count += _purge(Message.objects.for_object(obj), now)
    if addresses:
        count += _purge(_unreferenced_to(addresses), now)
    return count


def retention_days() -> int:
    return int(setting("NOTIFICATIONS_RETENTION_DAYS", 90))


def purge_old_messages(*, now: datetime | None = None) -> int:
    """The retention of the outbox: recipient and content of messages sent, failed or cancelled more than
    ``NOTIFICATIONS_RETENTION_DAYS`` ago are blanked. Returns how many rows were purged."""
    now = now or timezone.now()
    limit = now - timedelta(days=retention_days())
    done = Q(status=Status.SENT, sent_at__lt=limit) | Q(
        status__in=[Status.FAILED, Status.CANCELLED], updated_at__lt=limit
    )
    return _purge(Message.objects.filter(done, purged_at__isnull=True), now)


def messages_for_addressee(record: models.Model, *, addresses=()) -> list[dict]:
    """The messages written to a person, as plain data for their subject-access export: channel, address,
    status, dates and the text as it was (or would be) sent; purged rows say so and hold no text. With
    ``addresses``, the messages naming no person sent to one of them are included."""
    rows = []
    found = Message.objects.filter(addressee=addressee_of(record))
    if addresses:
        found = found | _unreferenced_to(addresses)
    for message in found.order_by("created_at", "pk"):
        subject = body = ""
        # A secret (a PIN) is never exported, even while its message waits to be sent.
        message.context = masked_text(message.context)
        if not message.purged_at:
            try:
                subject, body = render(message)
            except PermanentError:
                body = ""
        rows.append(
            {
                "kind": message.kind,
                "channel": message.channel,
                "recipient": message.recipient,
                "status": message.status,
                "queued_at": message.created_at.isoformat(),
                "sent_at": message.sent_at.isoformat() if message.sent_at else None,
                "purged_at": message.purged_at.isoformat() if message.purged_at else None,
                "subject": subject,
                "body": body,
            }
        )
    return rows


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
            message.due_at = due_for_channel(message.channel, due_at, message.time_zone)
            message.save(update_fields=["key", "due_at", "updated_at"])
            moved += 1
    return moved


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
    if report.status not in (Report.Status.READY, Report.Status.INCOMPLETE):
        return False
    return reports.digest(reports.collect(report)) != report.figures_digest


def build_report(report_id: int) -> str:
    """Build a report's XLSX and PDF, store them, and mark it ready (and e-mail its readers) or, when a
    section could not be computed, incomplete (and mail nobody); returns its status.

    Runs in a worker. A report already built is left alone (running twice does no harm twice); an
    exception marks it failed with the error kept for an administrator.
    """
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

    start, end = reports.previous_month(today)
    ids = []
    for country in Country.objects.all():
        report, created = request_report(kind=Report.Kind.MONTHLY, country=country, period_start=start, period_end=end)
        if created:
            ids.append(report.pk)
    return ids


def schedule_quarterly_report(today: date) -> list[int]:
    """Create last quarter's regional report; returns the ids of the reports to build."""
    start, end = reports.previous_quarter(today)
    report, created = request_report(kind=Report.Kind.QUARTERLY, country=None, period_start=start, period_end=end)
    return [report.pk] if created else []
