"""Reads of the cases app that other apps use (the hub shows processing times; dashboards count)."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanillas import access
from ventanillas.models import InformationWindow

from .models import (
    Case,
    CaseStatus,
    Consent,
    ConsentKind,
    FactKind,
    FollowUp,
    LegalBasis,
    Person,
    Referral,
    ReferralStatus,
    RegularizationPathway,
    RegularizationProcess,
)
from .name_index import near, search_tokens
from .rules import CONTACT_CHANNELS, PERSON_FIELDS, identifier_hashes, name_key

# Fewer decided processes than this and the observed median says more about chance than about the office.
MIN_OBSERVED_SAMPLE = 10
OBSERVATION_WINDOW_DAYS = 365


@dataclass(frozen=True)
class ProcessingTime:
    days: int | None
    source: Literal["observed", "typical"] | None
    sample_size: int
    # Observed on a sample (demo) pathway: the processes are invented, the figure must never read as real.
    demo: bool = False


def _decided_durations(pathway: RegularizationPathway, since: date, until: date) -> list[int]:
    """Days from submission to decision of the pathway's processes decided in [since, until]."""
    rows = (
        RegularizationProcess.objects.decided()
        .filter(pathway=pathway, decided_at__gte=since, decided_at__lte=until)
        .values_list("submitted_at", "decided_at")
    )
    return [(decided - submitted).days for submitted, decided in rows]


def pathway_processing_time(pathway: RegularizationPathway, *, today: date | None = None) -> ProcessingTime:
    """The processing time to publish for a pathway: observed when there are enough decisions, else typical.

    Observed: the median number of days from submission to decision (approved or denied) of the processes
    decided in the last 12 months, when there are at least ``MIN_OBSERVED_SAMPLE`` of them; ``demo`` when the
    pathway is sample content, whose processes are the demo's invented ones. Otherwise the days of the
    pathway's first announced-time fact (``source`` "typical"), or nothing at all.
    """
    today = today or timezone.localdate()
    durations = _decided_durations(pathway, today - timedelta(days=OBSERVATION_WINDOW_DAYS), today)
    if len(durations) >= MIN_OBSERVED_SAMPLE:
        return ProcessingTime(
            days=round(statistics.median(durations)),
            source="observed",
            sample_size=len(durations),
            demo=pathway.is_sample,
        )
    announced = next(
        (fact.days for fact in pathway.facts.all() if fact.kind == FactKind.TIME and fact.days is not None), None
    )
    if announced is not None:
        return ProcessingTime(days=announced, source="typical", sample_size=len(durations))
    return ProcessingTime(days=None, source=None, sample_size=len(durations))


# --- Search before create ---------------------------------------------------------------------------------

# Which names are compared. A person matches on names alone only when every word typed is, or is near, a word
# of their name (the rule of ``find_people``); with a date of birth, also when part of the name matches and
# the date is the same. Names are encrypted, so the candidates come from the blind index (``name_index``):
# (1) the people whose tokens hold, for every word typed, one of that word's tokens (the pieces of a word
# meet those of every word near it, as written and as heard), and (2) up to NAME_CANDIDATES people born that
# day. On PostgreSQL the GIN index of ``name_tokens`` answers (1), newest first, up to NAME_SCAN_LIMIT; on
# SQLite (a laptop) Python compares the tokens of every person the user may see, newest first, up to the
# same limit. Only the candidates' names are decrypted, and the final judgement (same name, all names,
# similar spelling, sounds alike) is the same Python comparison on both, so both match alike.
NAME_SCAN_LIMIT = 20000
NAME_CANDIDATES = 200
NAME_FEW = 2000


@dataclass
class Match:
    person: Person
    reasons: list[str]
    score: int


def compare_names(query_tokens: list[str], candidate_key: str, seen: dict | None = None) -> tuple[int, int]:
    """(exact, similar): how many query tokens the candidate's name holds exactly, or nearly. ``seen`` keeps
    the answers for pairs of words already compared by the caller's search (a common given name is in most
    candidates' names); it lives as long as that search."""
    candidate = candidate_key.split()
    exact = similar = 0
    if seen is None:
        seen = {}
    for token in query_tokens:
        if token in candidate:
            exact += 1
            continue
        for other in candidate:
            pair = (token, other)
            if pair not in seen:
                seen[pair] = near(token, other)
            if seen[pair]:
                similar += 1
                break
    return exact, similar


def search_phone_hashes(user, phone: str) -> list[str]:
    """The hashes a phone search looks for: the number read with the country of each window the user sees
    as its default (so "8888 1234" typed in Costa Rica is +506 8888 1234), under every hash key."""
    if not (phone or "").strip():
        return []
    regions = sorted(set(access.visible_windows(user).values_list("country__code", flat=True))) or [""]
    hashes: list[str] = []
    for region in regions:
        for value in identifier_hashes("phone", phone, region):
            if value not in hashes:
                hashes.append(value)
    return hashes


# What the comparison of names reads of each candidate (decrypted): number, names, date of birth.
NAME_COLUMNS = ("pk", "given_names", "family_names", "date_of_birth")


def _holding(people, wanted: list[list[int]]) -> list[tuple]:
    """The ``NAME_COLUMNS`` (newest first, up to NAME_SCAN_LIMIT) of the people whose tokens hold one of each
    list of ``wanted``."""
    if connection.vendor == "postgresql":
        # Fixed SQL; the tokens travel as parameters.
        where = ["cases_person.name_tokens && %s::bigint[]"] * len(wanted)
        # A name of rare words: the index alone first (its bitmap, as the planner would not choose it on its
        # estimate), then the user's scope on those few ids. Asked together, the planner hashed every case of
        # the user's windows for each search (8 of 14 ms at 200,000 people). Only ids are read here; the
        # scope decides which of them leave, read with their names. Common words (more than NAME_FEW ids)
        # are asked with the scope.
        every = Person.objects.extra(where=where, params=wanted).order_by()  # noqa: S610  # nosec B610
        sql, params = every.values_list("pk", flat=True)[: NAME_FEW + 1].query.sql_with_params()
        # One round trip, not five (begin, set, read, set back, commit): the three statements are sent together
        # and run in one transaction of their own (Django's client-side binding sends them as one simple query).
        # The setting goes back at once: called inside a longer transaction (an import's chunk), it would last
        # to its end.
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL enable_seqscan = off; {sql}; SET LOCAL enable_seqscan TO DEFAULT", params)
            cursor.nextset()
            few = [pk for (pk,) in cursor.fetchall()]
        if len(few) <= NAME_FEW:
            # The ids as one array, not one placeholder each: the client binds the parameters into the text of
            # the query, and splitting a query of two thousand placeholders cost more than reading the rows.
            chosen = people.extra(where=["cases_person.id = ANY(%s)"], params=[few])  # nosec B610
            return list(chosen.order_by("-pk").values_list(*NAME_COLUMNS))
        holding = people.extra(where=where, params=wanted)  # noqa: S610  # nosec B610
        return list(holding.order_by("-pk").values_list(*NAME_COLUMNS)[:NAME_SCAN_LIMIT])
    # SQLite: the tokens of every person in scope compared here; only the names of those who hold them read.
    sets = [set(tokens) for tokens in wanted]
    pks = [
        pk
        for pk, stored in people.order_by("-pk").values_list("pk", "name_tokens")[:NAME_SCAN_LIMIT]
        if all(not wanted_set.isdisjoint(stored) for wanted_set in sets)
    ]
    return list(Person.objects.filter(pk__in=pks).order_by("-pk").values_list(*NAME_COLUMNS))


def _name_candidates(people, tokens: list[str], date_of_birth: date | None) -> list[tuple[int, str, date | None]]:
    """(pk, name key, date of birth) of the people whose name may match, newest first: only theirs are read
    and decrypted, with the read that finds them."""
    wanted = [search_tokens(token) for token in tokens]
    rows: dict[int, tuple] = {}
    if all(wanted):
        rows.update((row[0], row) for row in _holding(people, wanted))
    if date_of_birth:
        born = people.filter(date_of_birth=date_of_birth).values_list(*NAME_COLUMNS)[:NAME_CANDIDATES]
        rows.update((row[0], row) for row in born)
    return sorted(
        ((pk, name_key(given, family), dob) for pk, given, family, dob in rows.values()), key=lambda row: -row[0]
    )


def find_people(
    user,
    *,
    names: str = "",
    date_of_birth: date | None = None,
    document_number: str = "",
    phone: str = "",
    limit: int = 20,
    shown: tuple[str, ...] | None = None,
) -> list[Match]:
    """The people the user may see who are likely the one described, best first, each with its reasons.

    Names match regardless of accents, case and order, with small misspellings; document number and phone
    match exactly through their keyed hashes; a date of birth counts only together with a name. ``shown``:
    the only fields of each person the caller reads (the others, encrypted ones included, are neither read
    nor decrypted); all of them by default.
    """

    # Every read below goes through an index that narrows it to a few people (name tokens, hashes, a birth date).
    people = Person.objects.visible_to(user, narrowed=True).active().filter(anonymised_at__isnull=True)
    found: dict[int, Match] = {}

    def add(person_id: int, reason: str, score: int) -> None:
        match = found.setdefault(person_id, Match(person=None, reasons=[], score=0))  # type: ignore[arg-type]
        match.reasons.append(reason)
        match.score += score

    doc_hashes = identifier_hashes("document", document_number)
    if doc_hashes:
        for pk in people.filter(document_number_hash__in=doc_hashes).values_list("pk", flat=True):
            add(pk, _("Same document number"), 100)
    phone_hashes = search_phone_hashes(user, phone)
    if phone_hashes:
        for pk in people.filter(phone_hash__in=phone_hashes).values_list("pk", flat=True):
            add(pk, _("Same phone number"), 60)
    tokens = name_key(names).split()
    if tokens:
        seen: dict = {}
        for pk, key, dob in _name_candidates(people, tokens, date_of_birth):
            exact, similar = compare_names(tokens, key, seen)
            if exact + similar == 0:
                continue
            same_dob = date_of_birth is not None and dob == date_of_birth
            if exact + similar == len(tokens):
                if similar:
                    add(pk, _("Similar name (spelling differs slightly)"), 30 + 5 * exact)
                elif key == " ".join(tokens):
                    add(pk, _("Same name"), 50)
                else:
                    add(pk, _("All the names given appear in the name"), 40)
            elif same_dob:
                add(pk, _("Part of the name matches"), 10)
            else:
                continue
            if same_dob:
                add(pk, _("Same date of birth"), 30)
    elif date_of_birth:
        for pk in people.filter(date_of_birth=date_of_birth).values_list("pk", flat=True)[:limit]:
            add(pk, _("Same date of birth"), 30)
    best = sorted(found.items(), key=lambda item: (-item[1].score, -item[0]))[:limit]
    persons = (Person.objects.only(*shown) if shown else Person.objects).in_bulk([pk for pk, _match in best])
    results = []
    for pk, match in best:
        match.person = persons[pk]
        results.append(match)
    return results


# --- Work lists -------------------------------------------------------------------------------------------


@dataclass
class Tasks:
    overdue: list[FollowUp]
    this_week: list[FollowUp]
    cases: list[Case]
    referrals: list[Referral]  # sent by the user and not closed (unanswered first); ``.late`` if past the reminder


def my_tasks(user, *, today: date | None = None) -> Tasks:
    """The user's pending follow-ups (overdue, due within 7 days) and the open cases assigned to them."""
    today = today or timezone.localdate()
    pending = FollowUp.objects.visible_to(user).pending().filter(assigned_to=user).select_related("case__person")
    return Tasks(
        overdue=list(pending.filter(due_on__lt=today)),
        this_week=list(pending.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7))),
        cases=list(
            Case.objects.visible_to(user)
            .filter(assigned_to=user)
            .exclude(status=CaseStatus.CLOSED)
            .select_related("person", "window__country")[:50]
        ),
        referrals=_open_referrals(user),
    )


def _open_referrals(user) -> list[Referral]:
    late_before = timezone.now() - timedelta(days=settings.CASES_REFERRAL_REMINDER_DAYS)
    referrals = list(
        Referral.objects.visible_to(user)
        .filter(created_by=user, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("partner__country", "case__person")
        .order_by("sent_at")[:50]
    )
    for referral in referrals:
        referral.late = referral.status == ReferralStatus.SENT and referral.sent_at <= late_before
    return sorted(referrals, key=lambda r: (r.status != ReferralStatus.SENT, r.sent_at))


# --- Subject access ---------------------------------------------------------------------------------------


def person_data(person: Person) -> dict:
    """Everything the portal holds on one person, as plain JSON-ready data."""

    def plain(obj, fields):
        return {f: (str(getattr(obj, f)) if getattr(obj, f) is not None else None) for f in fields}

    return {
        "person": {"id": person.pk, "registered_at": str(person.window), **plain(person, PERSON_FIELDS)},
        "vulnerabilities": list(person.vulnerabilities.values_list("code", flat=True)),
        "household": [plain(m, ["relationship", "given_names", "age_group", "sex"]) for m in person.household.all()],
        "consents": [plain(c, ["kind", "given_at", "notice_language", "withdrawn_at"]) for c in person.consents.all()],
        "cases": [
            {
                **plain(case, ["id", "opened_at", "status", "close_reason", "closed_at", "notes"]),
                "window": str(case.window),
                "needs": case.needs,
                "processes": [
                    {
                        **plain(
                            p,
                            [
                                "stage",
                                "started_at",
                                "submitted_at",
                                "decided_at",
                                "permit_number",
                                "permit_type",
                                "permit_expires_on",
                            ],
                        ),
                        "pathway": str(p.pathway),
                        "checklist": [plain(i, ["name", "status"]) for i in p.checklist.all()],
                        "appointments": [plain(a, ["at", "place", "purpose"]) for a in p.appointments.all()],
                    }
                    for p in case.processes.select_related("pathway")
                ],
                "follow_ups": [plain(f, ["due_on", "note", "done_at"]) for f in case.follow_ups.all()],
                "referrals": [
                    {**plain(r, ["service", "status", "sent_at", "feedback"]), "partner": str(r.partner)}
                    for r in case.referrals.select_related("partner__country")
                ],
                "timeline": [plain(t, ["at", "kind"]) | {"details": t.details} for t in case.timeline.all()],
            }
            for case in person.cases.select_related("window__country")
        ],
    }


def likely_duplicates(user, person: Person, *, limit: int = 5) -> list[Match]:
    """Other records the user may see that the search matcher takes for this person, best first."""
    matches = find_people(
        user,
        names=f"{person.given_names or ''} {person.family_names or ''}".strip(),
        date_of_birth=person.date_of_birth,
        document_number=person.document_number or "",
        phone=person.phone or "",
        limit=limit + 1,
    )
    return [m for m in matches if m.person.pk != person.pk][:limit]


@dataclass(frozen=True)
class EmergencyRecipient:
    person_id: int
    channel: str
    address: str
    language: str


def _held(rows) -> dict[int, set[str]]:
    # Rows ordered by person, kind, newest first: the first row of each (person, kind) decides.
    held: dict[int, set[str]] = {}
    seen: set[tuple[int, str]] = set()
    for person_id, kind, withdrawn_at in rows:
        if (person_id, kind) in seen:
            continue
        seen.add((person_id, kind))
        if withdrawn_at is None:
            held.setdefault(person_id, set()).add(kind)
    return held


def emergency_recipients(*, country_id: int, regions: list[str], chunk: int = 5000) -> Iterator[EmergencyRecipient]:
    """Who an emergency broadcast writes to: people of the country's windows (of ``regions`` when given) whose
    consent to emergency messages holds, each once, on their preferred channel that they consented to (the
    rule of ``contact_channels``), in the order of their ids.

    Two reads however many people: the people and their consents, each in one query streamed in order of
    the person and merged here (docs/crisis.md); only the chosen address is decrypted.

    Read by the broadcast alone (emergencies.services), which keeps counts and never shows who: it acts for
    the programme, not for the officer who pressed the button, so it is not scoped to that officer.
    """
    from django.db.models import ExpressionWrapper, F, TextField

    from privacy import crypto

    windows = InformationWindow.objects.filter(country_id=country_id)
    if regions:
        windows = windows.filter(region__in=regions)
    # The stored (encrypted) addresses, decrypted below only for the channel chosen.
    raw = {field: ExpressionWrapper(F(field), output_field=TextField()) for _c, field, _k in CONTACT_CHANNELS}
    people = (
        Person.objects.filter(window__in=windows, anonymised_at__isnull=True, merged_into__isnull=True)
        .annotate(**{f"{field}_stored": expression for field, expression in raw.items()})
        .order_by("pk")
        .values_list("pk", "legal_basis", "preferred_language", *(f"{field}_stored" for field in raw))
    )
    consents = (
        Consent.objects.filter(person__window__in=windows)
        .order_by("person_id", "kind", "-given_at", "-pk")
        .values_list("person_id", "kind", "withdrawn_at")
        .iterator(chunk_size=chunk * 3)
    )
    pending = next(consents, None)
    for person_id, legal_basis, language, *stored in people.iterator(chunk_size=chunk):
        rows = []
        while pending is not None and pending[0] <= person_id:
            if pending[0] == person_id:
                rows.append(pending)
            pending = next(consents, None)
        kinds = _held(rows).get(person_id, set())
        if ConsentKind.EMERGENCY not in kinds:
            continue
        if legal_basis == LegalBasis.CONSENT and ConsentKind.PROCESSING not in kinds:
            continue  # consent to processing withdrawn: not written to (contact_channels)
        for (channel, _field, kind), token in zip(CONTACT_CHANNELS, stored, strict=True):
            if token and kind in kinds:
                yield EmergencyRecipient(person_id, channel, crypto.decrypt(token), language or "")
                break
