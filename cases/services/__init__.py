"""Every change of state in the cases app happens here, one module per subject.

Each service runs in one transaction, locks the row it changes, checks the allowed source states and
raises ``CaseError`` (a translated message meant for the form) when a rule forbids the change, writes the
case timeline and the audit log, and queues follow-up work with ``transaction.on_commit``. Callers (views,
commands) check access first: services assume the user may write the record's window.

- ``common``: ``CaseError``, the audit log, the timeline, locks, the form token;
- ``cases``: consultations and cases;
- ``people``: people, household, consent, merging duplicates;
- ``processes``: the regularization workflow, checklist, permit, appointments;
- ``referrals``: follow-ups and referrals;
- ``rights``: erasure, retention, subject-access export.

The rules these share with selectors and reminders (normalising and hashing identifiers, which fields describe
a person, what consent allows) live one level down, in ``cases.rules``, so that imports point one way:
views → services → selectors / reminders → rules → models.
"""

from ..rules import (
    CONTACT_CHANNELS,
    PERSON_FIELDS,
    age_group_for,
    contact_channels,
    has_consent,
    identifier_hash,
    name_key,
    normalise_document_number,
    normalise_phone,
    normalise_text,
)
from .cases import close_case, log_consultation, open_case, reopen_case, update_case
from .common import CaseError, audit_identifier_search, record_audit
from .people import (
    HOUSEHOLD_FIELDS,
    add_household_member,
    create_person,
    merge_people,
    record_consent,
    remove_household_member,
    update_household_member,
    update_person,
    withdraw_consent,
)
from .processes import (
    PERMIT_NUMBER_RE,
    STAGE_DATE_FIELD,
    TRANSITIONS,
    allowed_moves,
    book_appointment,
    cancel_appointment,
    move_appointment,
    move_process,
    normalise_permit_number,
    save_checklist,
    set_checklist_status,
    start_process,
    update_permit,
    window_today,
)
from .referrals import REFERRAL_TRANSITIONS, complete_follow_up, plan_follow_up, refer, update_referral
from .rights import (
    anonymise_expired_cases,
    anonymise_people_without_cases,
    erase_person,
    export_person_data,
    request_erasure,
    run_retention,
)

__all__ = [
    "CONTACT_CHANNELS",
    "HOUSEHOLD_FIELDS",
    "PERMIT_NUMBER_RE",
    "PERSON_FIELDS",
    "REFERRAL_TRANSITIONS",
    "STAGE_DATE_FIELD",
    "TRANSITIONS",
    "CaseError",
    "add_household_member",
    "age_group_for",
    "allowed_moves",
    "anonymise_expired_cases",
    "anonymise_people_without_cases",
    "audit_identifier_search",
    "book_appointment",
    "cancel_appointment",
    "close_case",
    "complete_follow_up",
    "contact_channels",
    "create_person",
    "erase_person",
    "export_person_data",
    "has_consent",
    "identifier_hash",
    "log_consultation",
    "merge_people",
    "move_appointment",
    "move_process",
    "name_key",
    "normalise_document_number",
    "normalise_permit_number",
    "normalise_phone",
    "normalise_text",
    "open_case",
    "plan_follow_up",
    "record_audit",
    "record_consent",
    "refer",
    "remove_household_member",
    "reopen_case",
    "request_erasure",
    "run_retention",
    "save_checklist",
    "set_checklist_status",
    "start_process",
    "update_case",
    "update_household_member",
    "update_permit",
    "update_person",
    "update_referral",
    "window_today",
    "withdraw_consent",
]
