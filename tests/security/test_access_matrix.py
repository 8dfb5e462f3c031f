"""The access matrix: every URL pattern of the portal × every persona × GET and POST.

The patterns are read from the URL configuration, so a view added tomorrow is in the matrix without
anyone writing a line here; a pattern whose parameters this module cannot fill fails the run (add a
value to the ``world`` fixture's ``fill`` or ``pks``). Every parameter points at records of one window in Costa Rica ("the victim") or at
Costa Rica itself. For each request:

- never a server error;
- anonymous: every page outside ``PUBLIC`` answers with the login page, 401, 403, 404 or 405;
- a persona that does not own what the parameters point at (``OWNERS``) gets 403, 404 or 405 (or the
  admin's login page): never the page, never a redirect that did the action;
- every answer carries the Content-Security-Policy and Permissions-Policy, and every answer to a signed-in
  persona ``Cache-Control: no-store``;
- the victim's personal data (canary strings in a person's name, a participant's name, a draft guide) appears
  in no answer to a persona outside ``CANARIES``' readers, whatever the URL, lists and searches included.

Each request runs in a transaction that is rolled back, so a POST that succeeds (the owner's) changes
nothing for the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone, translation

from tests.cases.factories import make_case, make_person, pathway_with_documents
from tests.factories import Role, UserFactory, WindowFactory, country, member

PERSONAS = [
    "anonymous",
    "staff_window",  # staff of the victim's window (San José, Costa Rica)
    "staff_other_window",  # staff of another window of Costa Rica (Upala)
    "staff_other_country",  # staff of a window in Panama
    "officer",  # country officer of Costa Rica
    "officer_other_country",  # country officer of Panama
    "regional",  # regional officer
    "trainer",  # trainer in Costa Rica who teaches the victim's session
    "editor",  # content editor of Costa Rica, in Spanish
]
METHODS = ["get", "post"]

# Pages anyone may open (by URL name). Everything else must send the anonymous visitor to the login.
PUBLIC = {
    "health",
    "favicon",
    "manifest",
    "sitemap",
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "training:catalogue",
    "training:session",
    "training:enrolment-sent",
    "training:enrolment",
    "training:enrolment-certificate",
    "training:verify",
    "training:certificate-check",  # what a certificate's QR code opens: course, day, valid; no person
    "ventanillas:window-list",
    "hub:country",
    "hub:guide",
    "hub:guide-pdf",
    "hub:article",
    "hub:faq",
    "hub:search",
    "hub:feedback",
    "statuscheck:check",  # a migrant's status check with a reference and PIN
    "statuscheck:turn-off",
    "statuscheck:my-data",  # the same reference and PIN, to stop a channel or ask for erasure
    "statuscheck-inbound",  # the SMS gateway's webhook, signed by the gateway
    "admin:login",  # the admin's own login page
    "admin:logout",
    "dashboards:api-schema",  # the API's description, no figures (the API itself takes tokens)
    "emergencies:page",  # an emergency's public page, its CAP alerts and the country's CAP index
    "emergencies:cap",
    "emergencies:feed",
}

# Who may use the records a pattern's parameters point at, by URL name prefix (longest prefix wins).
# Anyone else gets 403, 404 or 405. Patterns without parameters answer each persona with their own
# records (or a 403): for them only the canaries below are checked.
OWNERS: dict[str, set[str]] = {
    "admin:": set(),  # none of the personas is an administrator
    "ventanillas-staff:": {"staff_window", "officer"},
    "cases:": {"staff_window", "officer"},
    "statuscheck:staff": {"staff_window", "officer"},
    # A handover from the victim's window to Guatemala: its sender's side only (no persona works in Guatemala,
    # the receiving country; Panama is a third country and sees nothing). tests/handovers/test_access.py
    # checks the receiving side.
    "handovers:": {"staff_window", "officer"},
    "training:staff-": {"trainer"},
    "hub:editor-": {"editor"},
    # Figures (never a person): a country's for its officers and its windows' staff, every country's for
    # regional officers (ventanillas.access.aggregate_countries).
    "dashboards:": {"officer", "regional", "staff_window", "staff_other_window"},
    "dashboards:region": {"regional"},
    "dashboards:api-": set(),  # the API takes tokens, not sessions
    "notifications:": {"officer", "regional", "staff_window", "staff_other_window"},
    "registers:": {"staff_window", "officer"},  # a window's register imports (officers read, do not change)
    # An emergency (no person): its country's officers and regional officers manage it, the staff of its
    # country's windows read it and set its service points' states, an editor of a language translates it.
    "emergencies-staff:": {"officer", "regional", "staff_window", "staff_other_window"},
    "emergencies-staff:correct": {"officer", "regional"},
    "emergencies-staff:end": {"officer", "regional"},
    "emergencies-staff:point-add": {"officer", "regional"},
    "emergencies-staff:text": {"officer", "regional", "editor"},
    "emergencies-staff:broadcast": {"officer", "regional"},
}

# Personal data of the victim, and who may read it.
CANARIES = {
    "Zqcanario": {"staff_window", "officer"},  # a person's family name, at the window
    "Wxcanario": {"trainer"},  # a participant's name, in the trainer's session
    "Vbcanario": {"editor"},  # an unpublished draft of a guide
}

DENIED = {403, 404, 405}
LOGIN_PATHS = ("/es/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Pattern:
    route: str  # e.g. "es/staff/cases/<int:pk>/"
    name: str  # with its namespace, e.g. "cases:case-detail"
    regex: bool


def url_patterns() -> list[Pattern]:
    """Every pattern of the URL configuration, with its full route and namespaced name."""

    def walk(patterns, prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry.url_patterns, prefix + _route(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                regex = isinstance(entry.pattern, RegexPattern)
                yield Pattern(prefix + _route(entry.pattern), namespace + (entry.name or ""), regex)

    with translation.override("es"):
        return list(walk(get_resolver().url_patterns, "", ""))


def _route(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").replace("\\Z", "")
    return text


def owners_of(name: str) -> set[str] | None:
    matches = [prefix for prefix in OWNERS if name.startswith(prefix)]
    return OWNERS[max(matches, key=len)] if matches else None


# --- the world --------------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    from cases import services as cases_services
    from hub.models import Guide
    from hub.services import open_revision, save_draft
    from notifications.models import Report
    from tests.hub.factories import article, guide
    from tests.training.factories import SessionFactory
    from training import services as training_services
    from training.messages import enrolment_token
    from training.services import ParticipantData, _issue_certificate
    from ventanillas.models import PartnerOrganisation

    cr, pa = country("CR"), country("PA")
    window = WindowFactory(country=cr, name="Ventanilla San José", slug="san-jose", city="San José")
    other_window = WindowFactory(country=cr, name="Ventanilla Upala", slug="upala", city="Upala")
    window_pa = WindowFactory(country=pa, name="Ventanilla Panamá", slug="panama", city="Panamá")

    users = {}

    def persona(name: str, role: str, **where) -> None:
        user = UserFactory(username=name)
        member(user, role, **where)
        users[name] = user

    persona("staff_window", Role.WINDOW_STAFF, window=window)
    persona("staff_other_window", Role.WINDOW_STAFF, window=other_window)
    persona("staff_other_country", Role.WINDOW_STAFF, window=window_pa)
    persona("officer", Role.COUNTRY_OFFICER, country_obj=cr)
    persona("officer_other_country", Role.COUNTRY_OFFICER, country_obj=pa)
    persona("regional", Role.REGIONAL_OFFICER)
    persona("trainer", Role.TRAINER, country_obj=cr)
    persona("editor", Role.CONTENT_EDITOR, country_obj=cr, language="es")
    staff = users["staff_window"]

    # The victim's case work, at the San José window.
    person = make_person(window, staff, family_names="Zqcanario")
    case = make_case(window, staff, person=person)
    process = cases_services.start_process(
        case=case, pathway=pathway_with_documents(country=cr, slug="residencia-temporal"), by=staff
    )
    cases_services.record_consent(person=person, kinds=["share_partners"], notice_language="es", by=staff)
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)
    consultation, _new = cases_services.log_consultation(
        window=window, by=staff, data={"date": timezone.localdate(), "topics": ["health"]}
    )
    household = cases_services.add_household_member(
        person=person, by=staff, data={"relationship": "child", "age_group": "0-11", "sex": "female"}
    )
    appointment = cases_services.book_appointment(
        process=process, at=timezone.now() + dt.timedelta(days=3), place="DGME", purpose="", by=staff
    )
    follow_up = cases_services.plan_follow_up(
        case=case, due_on=timezone.localdate(), assigned_to=staff, note="Llamar", by=staff
    )
    referral = cases_services.refer(case=case, partner=partner, service="health", by=staff)
    # The victim's file handed over to Guatemala (consent at the window), and an erasure Guatemala asked of it.
    from handovers import services as handover_services
    from handovers.models import Decision, ErasureRequest, PairRule
    from ventanillas.models import Country

    gt = Country.objects.create(
        code="GT",
        name="Guatemala",
        default_language="es",
        public_languages=["es"],
        time_zone="America/Guatemala",
        currency="GTQ",
    )
    window_gt = WindowFactory(country=gt, name="Ventanilla Guatemala", slug="guatemala", city="Guatemala")
    PairRule.objects.create(from_country=cr, to_country=gt, decision=Decision.WITH_CONSENT)
    handover = handover_services.start_handover(
        case=case,
        by=staff,
        to_country=gt,
        to_window=window_gt,
        parts=["identity", "documents", "history"],
        notes_shared=[],
        purpose="continue",
        consent_method="signed_slip",
        consent_language="es",
    )
    erasure = ErasureRequest.objects.create(
        handover=handover, window=window, person=person, asked_at=timezone.now(), due_on=timezone.localdate()
    )
    # Other windows' records, so that lists have something of their own to show.
    make_case(other_window, users["staff_other_window"])
    make_case(window_pa, users["staff_other_country"])

    # The victim's training: a participant in the trainer's session, with a certificate.
    session = SessionFactory(country=cr, trainers=[users["trainer"]])
    data = ParticipantData(
        email="wx@example.org",
        name="Ana Wxcanario",
        sector="government",
        sex="female",
        country_id=cr.pk,
        language="es",
    )
    enrolment, _seated = training_services.enrol_verified(session=session, data=data)
    certificate = _issue_certificate(enrolment, session)

    # The victim's content: a published guide with an unpublished draft, and an article.
    published = guide(cr, "residencia")
    article(cr, "riesgos")
    revision = open_revision(item=published, language="es", by=users["editor"])
    revision = save_draft(
        revision=revision, by=users["editor"], title="Residencia", summary="Borrador", body="Texto Vbcanario"
    )
    assert Guide.objects.get(pk=published.pk).body_es != "Texto Vbcanario"

    from emergencies import services as emergency_services

    emergency = emergency_services.declare(
        countries=[cr], by=users["officer"], kind="flood", severity="Severe", language="es",
        title="Inundaciones", instructions="Busque un lugar alto.",
    )[0]  # fmt: skip
    point = emergency_services.add_point(
        emergency=emergency, by=users["officer"], data={"kind": "shelter", "name": "Gimnasio", "address": "Upala"}
    )
    broadcast = emergency_services.start_broadcast(emergency=emergency, by=users["officer"])
    arrival = emergency_services.register_arrival(
        point=point, by=users["staff_window"],
        data={"household_size": 2, "language": "es", "contact_name": "Rosa Llegada", "contact_consent": True},
    )  # fmt: skip

    report = Report.objects.create(
        kind="monthly",
        country=cr,
        period_start=timezone.localdate().replace(day=1),
        period_end=timezone.localdate().replace(day=1) + dt.timedelta(days=31),
        language="es",
    )

    # A register import of the victim's window, waiting for its columns (the file names the victim).
    from registers import services as register_services
    from tests.registers.files import csv_bytes

    register = register_services.upload(
        window=window, by=staff, kind="people", name="r.csv",
        content=csv_bytes([["nombres", "apellidos"], ["Ana", "Zqcanario"]]),
    )  # fmt: skip

    fill = {
        "country": "cr",
        "kind": "case",
        "person": person.pk,
        "other": person.pk,  # the person compared with (cases:person-compare)
        "token": enrolment_token(enrolment),
        "certificate_token": certificate.token,  # the public check page a certificate's QR code opens
        "day": session.starts_on.isoformat(),
        "table": "summary",
        "fmt": "csv",
        "indicator": "consultations",
        "uidb64": "MQ",
        "slug": "residencia",
        "language": "es",
        "action": "submit",
        "number": 1,  # an emergency's first CAP alert
        # the admin's parameters
        "object_id": str(person.pk),
        "id": str(staff.pk),
        "content_type_id": "1",
        "app_label": "cases",
        "url": "nothing/",
    }
    pks = {
        "ventanillas-staff:window-edit": window.pk,
        "cases:consultation-convert": consultation.pk,
        "cases:household-": household.pk,
        "cases:person-": person.pk,
        "cases:audit-log": case.pk,
        "cases:case-": case.pk,
        "cases:process-": process.pk,
        "cases:appointment-create": process.pk,
        "cases:appointment-": appointment.pk,
        "cases:checklist-update": process.checklist.first().pk,
        "cases:checklist-save": process.pk,
        "cases:followup-create": case.pk,
        "cases:followup-done": follow_up.pk,
        "cases:referral-create": case.pk,
        "cases:referral-update": referral.pk,
        "statuscheck:staff": process.pk,
        "handovers:": handover.pk,
        "handovers:start": case.pk,
        "handovers:erasure-done": erasure.pk,
        "notifications:report-": report.pk,
        "training:session": session.pk,
        "training:staff-course-edit": session.course.pk,
        "training:staff-session": session.pk,
        "training:staff-attendance": session.pk,
        "training:staff-finalise": session.pk,
        "training:staff-import": session.pk,
        "training:staff-roster-csv": session.pk,
        "training:staff-cancel": enrolment.pk,
        "training:staff-certificate-pdf": certificate.pk,
        "training:staff-revoke": certificate.pk,
        "hub:editor-revision": revision.pk,
        "hub:editor-preview": revision.pk,
        "hub:editor-action": revision.pk,
        "registers:": register.pk,
        "emergencies:": emergency.pk,
        "emergencies-staff:": emergency.pk,
        "emergencies-staff:point-state": point.pk,
        "emergencies-staff:broadcast-action": broadcast.pk,
        "emergencies-staff:arrivals": point.pk,
        "emergencies-staff:arrival-person": arrival.pk,
        "dashboards:emergency": emergency.pk,
        "dashboards:api-emergency": emergency.pk,
    }
    return {"users": users, "fill": fill, "pks": pks}


# --- building URLs ----------------------------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


class Unfillable(LookupError):
    pass


def concrete_url(pattern: Pattern, world) -> str:
    def value(name: str) -> str:
        if name == "pk":
            matches = [prefix for prefix in world["pks"] if pattern.name.startswith(prefix)]
            if matches:
                return str(world["pks"][max(matches, key=len)])
            if pattern.name.startswith("admin:"):
                return world["fill"]["object_id"]
            raise Unfillable(f"{pattern.name}: no record for <pk>")
        if name == "token" and pattern.name == "password_reset_confirm":
            return "set-password"
        if name == "kind" and pattern.name.startswith("hub:"):
            return "guide"
        if name == "table" and pattern.name == "dashboards:emergency-export":
            return "days"  # a table of the emergency's figures
        if name in world["fill"]:
            return str(world["fill"][name])
        raise Unfillable(f"{pattern.name}: no value for <{name}>")

    if pattern.regex:
        path = REGEX_GROUP.sub(lambda m: value(m["name"]), pattern.route).replace("\\", "")
    else:
        path = PARAMETER.sub(lambda m: value(m["name"]), pattern.route)
    return "/" + path


def has_parameters(pattern: Pattern) -> bool:
    return bool(PARAMETER.search(pattern.route) or REGEX_GROUP.search(pattern.route))


# --- the run ----------------------------------------------------------------------------------------------

CASES_RUN: list[int] = []  # read by tests/security/conftest.py for the summary line


def _client_for(persona: str, world) -> tuple[Client, SimpleCookie]:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(world["users"][persona])  # both steps of the login (tests/conftest.py)
    return client, SimpleCookie(client.cookies.output(header="", sep="\n"))


def _body(response) -> str:
    streaming = getattr(response, "streaming", False)
    content = b"".join(response.streaming_content) if streaming else response.content
    return content.decode("utf-8", errors="replace")


def _problems(pattern: Pattern, persona: str, method: str, response) -> list[str]:
    status = response.status_code
    where = f"{method.upper()} {pattern.route} [{pattern.name}] as {persona}: {status}"
    found = []
    if status >= 500:
        found.append(f"{where}: server error")
    public = pattern.name in PUBLIC
    location = response.get("Location", "")
    refused = status in DENIED | {401} or (status == 302 and location.split("?")[0] in LOGIN_PATHS)
    if persona == "anonymous" and not public and not refused:
        found.append(f"{where} {location}: not public, and the visitor was not sent to the login")
    owners = owners_of(pattern.name)
    bound = has_parameters(pattern) and owners is not None
    if persona != "anonymous" and not public and bound and persona not in owners and not refused:
        found.append(f"{where} {location}: another's records, expected 403, 404 or 405")
    # Headers on every answer: the policy (no inline code), the features no page needs, and no copy kept of
    # anything a signed-in persona received.
    policy = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in policy or "unsafe-inline" in policy:
        found.append(f"{where}: Content-Security-Policy missing or weak: {policy!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        found.append(f"{where}: no Permissions-Policy")
    if persona != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
        found.append(f"{where}: a signed-in answer without Cache-Control: no-store")
    body = _body(response)
    for canary, readers in CANARIES.items():
        if canary in body and persona not in readers:
            found.append(f"{where}: shows {canary}, personal data this persona may not read")
    return found


@pytest.fixture
def quiet_refusals():
    """Each refusal is logged with its traceback: thousands of them would cost more than the requests."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "accounts.security")]
    for logger in loggers:
        logger.disabled = True
    yield
    for logger in loggers:
        logger.disabled = False


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_reaches_what_is_not_theirs(persona, world, settings, quiet_refusals):
    settings.AXES_ENABLED = False  # a persona's POST to the login page must not lock the next ones out
    patterns = url_patterns()
    client, cookies = _client_for(persona, world)
    problems: list[str] = []
    unfillable: list[str] = []
    run = 0
    for pattern in patterns:
        try:
            url = concrete_url(pattern, world)
        except Unfillable as exc:
            unfillable.append(str(exc))
            continue
        for method in METHODS:
            client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))  # a logout undone
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            run += 1
            problems += _problems(pattern, persona, method, response)
    CASES_RUN.append(run)
    assert unfillable == [], "patterns the matrix cannot fill: add a value to the world's fill or pks"
    assert run == len(patterns) * len(METHODS)
    assert problems == [], "\n".join(problems)


def test_the_matrix_covers_every_pattern_of_the_url_configuration():
    """Against a matrix that silently shrinks: the admin's and the apps' patterns are all there."""
    names = {pattern.name for pattern in url_patterns()}
    for expected in (
        "cases:case-detail",
        "training:staff-roster-csv",
        "hub:editor-action",
        "admin:index",
        "dashboards:country-export",
        "handovers:accept",
        "notifications:report-xlsx",
        "two-factor",
    ):
        assert expected in names
    assert len(names) > 250
