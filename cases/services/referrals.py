"""Follow-ups and referrals to partner organisations."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanillas.models import PartnerOrganisation

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
from .common import CaseError, _lock, _require_open, _timeline, record_audit


@transaction.atomic
def plan_follow_up(*, case: Case, due_on: date, assigned_to: Any, note: str, by: Any) -> FollowUp:
    case = _lock(case)
    _require_open(case)
    follow_up = FollowUp.objects.create(case=case, due_on=due_on, assigned_to=assigned_to, note=note, created_by=by)
    _timeline(case, TimelineEntry.Kind.FOLLOW_UP, by, follow_up=follow_up.pk, due_on=due_on.isoformat())
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=follow_up)
    return follow_up


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
def refer(*, case: Case, partner: PartnerOrganisation, service: str, by: Any) -> Referral:
    """Refer the person to a partner for a service. Needs the person's consent to share in force."""
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
    referral = Referral.objects.create(
        case=case, partner=partner, service=service, sent_at=now, status_changed_at=now, created_by=by
    )
    _timeline(case, TimelineEntry.Kind.REFERRAL, by, referral=referral.pk, partner=partner.pk, service=service)
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=referral, details={"partner": partner.pk})
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
