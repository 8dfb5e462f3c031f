"""Follow-ups and referrals to partner organisations."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpers.idempotency import made as once_made
from helpers.idempotency import once
from notifications.services import cancel_for, enqueue
from ventanillas.models import PartnerOrganisation, Service

from ..models import (
    AuditEntry,
    Case,
    ConsentKind,
    FollowUp,
    Referral,
    ReferralStatus,
    TimelineEntry,
)
from ..rules import has_consent
from .common import CaseError, _check_day, _lock, _require_open, _timeline, record_audit


@transaction.atomic
def plan_follow_up(
    *, case: Case, due_on: date, assigned_to: Any, note: str, by: Any, form_token: uuid.UUID | None = None
) -> FollowUp:
    """Plan a follow-up; one per ``form_token`` (the same form sent twice plans one)."""
    case = _lock(case)
    _require_open(case)
    _check_day(due_on, "due_on")

    def create() -> FollowUp:
        follow_up = FollowUp.objects.create(case=case, due_on=due_on, assigned_to=assigned_to, note=note, created_by=by)
        _timeline(case, TimelineEntry.Kind.FOLLOW_UP, by, follow_up=follow_up.pk, due_on=due_on.isoformat())
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=follow_up)
        return follow_up

    return once(form_token, FollowUp, create)[0]


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, by: Any) -> FollowUp:
    """Mark a follow-up done. Refused on a closed case (reopen it first). Writes the timeline and audit."""
    # The case first, as every case service locks it, so that closing the case cannot interleave.
    case = Case.objects.select_for_update().get(pk=follow_up.case_id)
    _require_open(case)
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    if follow_up.done_at:
        raise CaseError(_("This follow-up is already done."))
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["done_at"])
    _timeline(follow_up.case, TimelineEntry.Kind.FOLLOW_UP_DONE, by, follow_up=follow_up.pk)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=follow_up, details={"done": True})
    return follow_up


@transaction.atomic
def refer(
    *, case: Case, partner: PartnerOrganisation, service: str, by: Any, form_token: uuid.UUID | None = None
) -> Referral:
    """Refer the person to a partner for a service. Needs the person's consent to share in force. One
    referral per ``form_token``: the same form sent twice refers once."""
    if form_token:
        done = once_made(form_token, Referral)
        if done is not None:
            return done
    case = Case.objects.select_for_update().select_related("person", "window").get(pk=case.pk)
    _require_open(case)
    if not has_consent(case.person, ConsentKind.SHARE_PARTNERS):
        raise CaseError(
            _("The person has not agreed to share their data with partners: record that consent first."),
            field="partner",
        )
    if partner.country_id not in (None, case.window.country_id) or not partner.active:
        raise CaseError(_("Choose an active partner working in this country."), field="partner")
    now = timezone.now()

    def create() -> Referral:
        referral = Referral.objects.create(
            case=case, partner=partner, service=service, sent_at=now, status_changed_at=now, created_by=by
        )
        _timeline(case, TimelineEntry.Kind.REFERRAL, by, referral=referral.pk, partner=partner.pk, service=service)
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=referral, details={"partner": partner.pk})
        notify_partner(referral, kind=REFERRAL_TO_PARTNER)
        return referral

    return once(form_token, Referral, create)[0]


# --- Closed loop: the partner is told, answers through a signed link, and is reminded --------------------

REFERRAL_TO_PARTNER = "cases.referral_to_partner"
REFERRAL_UNANSWERED = "cases.referral_unanswered"
LINK_SALT = "cases.referral.answer"
PARTNER_ANSWERS = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED)


def answer_token(referral: Referral) -> str:
    """The signed, timestamped token of the partner's answer page (it names the referral and nothing else)."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object({"r": referral.pk})


def referral_from_token(token: str) -> tuple[Referral | None, bool]:
    """(referral, expired): the referral a token names while the link holds (``CASES_REFERRAL_LINK_DAYS``), else None.

    ``expired`` is True for a genuine token past its age, so that the page can say so rather than 404."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        data = signer.unsign_object(token, max_age=timedelta(days=settings.CASES_REFERRAL_LINK_DAYS))
    except signing.SignatureExpired:
        return None, True
    except (signing.BadSignature, ValueError, TypeError):
        return None, False
    pk = data.get("r") if isinstance(data, dict) else None
    referral = Referral.objects.select_related("partner", "case__window__country", "case__person").filter(pk=pk)
    return referral.first(), False


def answer_link(referral: Referral) -> str:
    """The answer page's address, in the partner's language."""
    with translation.override(referral.partner.language):
        return settings.PORTAL_URL + reverse("referral-answer", kwargs={"token": answer_token(referral)})


def notify_partner(referral: Referral, *, kind: str) -> bool:
    """Queue the e-mail that brings the partner to its answer page (a row in the outbox; sent after commit).

    The message names the window, the service and the link; nothing about the person, whose details the
    page shows only while the consent to share with partners holds. A partner with no e-mail is not
    written to (the clerk contacts it by phone). Returns whether a message was queued.
    """
    partner = referral.partner
    if not partner.email:
        return False
    window = referral.case.window
    with translation.override(partner.language):
        service = str(Service(referral.service).label)
    enqueue(
        kind=kind,
        channel="email",
        recipient=partner.email,
        language=partner.language,
        template="cases/messages/referral_partner"
        if kind == REFERRAL_TO_PARTNER
        else "cases/messages/referral_partner_reminder",
        context={
            "referral": referral.pk,
            "partner": partner.name,
            "service": service,
            "window": window.name,
            "sent_at": referral.sent_at,
            "days": settings.CASES_REFERRAL_LINK_DAYS,
            "link": answer_link(referral),
        },
        obj=referral,
        key=f"{kind}:{referral.pk}:partner",
        time_zone=window.country.time_zone,
    )
    return True


def remind_unanswered_referrals(now: datetime | None = None) -> int:
    """Referrals still unanswered ``CASES_REFERRAL_REMINDER_DAYS`` days after they were sent: remind the partner (with a
    fresh link) and the clerk who referred, once each (the outbox keys make a second scan queue nothing)."""
    now = now or timezone.now()
    count = 0
    unanswered = Referral.objects.filter(
        status=ReferralStatus.SENT,
        answered_at__isnull=True,
        sent_at__lte=now - timedelta(days=settings.CASES_REFERRAL_REMINDER_DAYS),
    ).select_related("partner__country", "case__window__country", "created_by")
    for referral in unanswered:
        count += notify_partner(referral, kind=REFERRAL_UNANSWERED)
        clerk = referral.created_by
        if clerk.is_active and clerk.email:
            country = referral.case.window.country
            with translation.override(country.default_language):
                service = str(Service(referral.service).label)
            enqueue(
                kind=REFERRAL_UNANSWERED,
                channel="email",
                recipient=clerk.email,
                language=country.default_language,
                template="cases/messages/referral_clerk_reminder",
                context={
                    "case": referral.case_id,
                    "partner": referral.partner.name,
                    "service": service,
                    "sent_at": referral.sent_at,
                    "link": settings.PORTAL_URL + reverse("cases:case-detail", kwargs={"pk": referral.case_id}),
                },
                obj=referral,
                key=f"{REFERRAL_UNANSWERED}:{referral.pk}:clerk",
                time_zone=country.time_zone,
            )
            count += 1
    return count


@transaction.atomic
def answer_referral(*, referral: Referral, status: str, note: str) -> Referral:
    """The partner's answer through its link: accepted, declined or service given, and a note.

    Follows the referral's transitions (an answer that does not follow is refused with a message for the
    partner); recorded on a closed case too, since it is the partner's news. The timeline and audit name
    no user (the partner has no account); pending reminders are cancelled.
    """
    if status not in PARTNER_ANSWERS:
        raise CaseError(_("Choose an answer."), field="status")
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    allowed = REFERRAL_TRANSITIONS.get(referral.status, set())
    if referral.status == ReferralStatus.SENT:
        allowed = allowed | {ReferralStatus.COMPLETED}  # a partner that gave the service at once accepted it
    if status not in allowed:
        raise CaseError(
            _("This referral is already “%(status)s”: it cannot become “%(target)s”.")
            % {"status": ReferralStatus(referral.status).label, "target": ReferralStatus(status).label},
            field="status",
        )
    source = referral.status
    now = timezone.now()
    referral.status, referral.status_changed_at = status, now
    referral.answered_at = referral.answered_at or now
    if note.strip():
        referral.feedback = note.strip()
    referral.save()
    _timeline(case, TimelineEntry.Kind.REFERRAL_ANSWER, None, referral=referral.pk, source=source, target=status)
    record_audit(
        user=None,
        action=AuditEntry.Action.CHANGE,
        obj=referral,
        details={"source": source, "target": status, "partner": True},
    )
    cancel_for(referral, REFERRAL_UNANSWERED)
    return referral


REFERRAL_TRANSITIONS = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.COMPLETED, ReferralStatus.DECLINED},
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.DECLINED: set(),
}


@transaction.atomic
def update_referral(*, referral: Referral, status: str, feedback: str, by: Any) -> Referral:
    """Record the partner's answer: sent → accepted or declined; accepted → completed or declined.

    Refused on a closed case (reopen it first) and for a status that is not a referral status. Writes the
    timeline and audit."""
    if status not in ReferralStatus.values:
        raise CaseError(_("Choose a status."), field="status")
    # The case first, as every case service locks it, so that closing the case cannot interleave.
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    _require_open(case)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if status not in REFERRAL_TRANSITIONS.get(referral.status, set()):
        raise CaseError(
            _("A referral cannot move from “%(source)s” to “%(target)s”.")
            % {"source": ReferralStatus(referral.status).label, "target": ReferralStatus(status).label},
            field="status",
        )
    source = referral.status
    referral.status, referral.status_changed_at = status, timezone.now()
    if feedback:
        referral.feedback = feedback
    referral.save()
    _timeline(referral.case, TimelineEntry.Kind.REFERRAL_STATUS, by, referral=referral.pk, source=source, target=status)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=referral, details={"source": source, "target": status})
    return referral
