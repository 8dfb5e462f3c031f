"""Demo data: the regularization pathways (cases.pathway_data), and a few hundred consultations and cases.

People are invented (names and nationalities from data/demo/cases.json). Idempotent: every row has a natural
key (slug, or a form token derived from a seed).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import phonenumbers
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ventanillas.models import InformationWindow, Membership, Role
from ventanillas.reference import read_data

from . import services
from .models import Case, ChecklistStatus, RegularizationPathway, Stage
from .pathway_data import load_pathways

SEED = uuid.UUID("6f1c1d2e-2b1a-4c61-9a0b-7d5e0c3a9b10")

PEOPLE = read_data("demo/cases.json")
GIVEN = PEOPLE["given_names"]
FAMILY = PEOPLE["family_names"]
NATIONALITIES = PEOPLE["nationalities"]


def _token(*parts: object) -> uuid.UUID:
    return uuid.uuid5(SEED, ":".join(str(p) for p in parts))


def _window_staff(window: InformationWindow):
    membership = Membership.objects.filter(role=Role.WINDOW_STAFF, window=window).select_related("user").first()
    if membership:
        return membership.user
    return get_user_model().objects.filter(is_superuser=True).first()


# The stages demo processes end in, with how often (approved and denied also feed processing times).
STAGE_PATHS = [
    ([], 3),
    ([Stage.DOCUMENTS_COMPLETE], 2),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED], 3),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW], 3),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW, Stage.APPROVED], 5),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED], 1),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED, Stage.APPEALED], 1),
    ([Stage.WITHDRAWN], 1),
]


def _demo_phone(rng: random.Random, region: str) -> str:
    """A made-up mobile number of the window's country, written as a clerk would (national format)."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    digits = national[:-4] + f"{rng.randint(0, 9999):04d}"
    number = phonenumbers.parse(digits, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _demo_case(rng: random.Random, window: InformationWindow, by, n: int, pathway) -> None:
    today = timezone.localdate()
    data = {
        "given_names": rng.choice(GIVEN),
        "family_names": f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}",
        "date_of_birth": today - timedelta(days=rng.randint(17 * 365, 65 * 365)),
        "sex": rng.choice(["female", "male"]),
        "nationality": rng.choice(NATIONALITIES),
        "document_type": "passport",
        "document_number": f"D{window.pk:02d}{n:05d}",
        "phone": _demo_phone(rng, window.country.code),
        "preferred_language": rng.choice(["es", "ht", "fr", "en"]),
    }
    vulnerabilities = rng.sample(
        ["pregnant", "disability", "single_parent", "chronic_illness", "older_person"], rng.randint(0, 1)
    )
    consents = ["processing", "contact_phone"] + (["share_partners"] if rng.random() < 0.6 else [])
    person, _ = services.create_person(
        window=window,
        by=by,
        data=data,
        vulnerabilities=vulnerabilities,
        consents=consents,
        form_token=_token("person", window.pk, n),
    )
    case, created = services.open_case(
        person=person, window=window, by=by, needs=["regularization"], form_token=_token("case", window.pk, n)
    )
    if not created or pathway is None:
        return
    path = rng.choices([p for p, _w in STAGE_PATHS], weights=[w for _p, w in STAGE_PATHS])[0]
    day = today - timedelta(days=rng.randint(95, 250))
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - (today - day))
    process = services.start_process(case=case, pathway=pathway, by=by, on=day)
    process.checklist.update(status=ChecklistStatus.RECEIVED)
    for stage in path:
        day = min(
            today,
            day
            + timedelta(days=rng.randint(20, 80) if stage in (Stage.APPROVED, Stage.DENIED) else rng.randint(3, 20)),
        )
        permit = (
            {
                "permit_type": pathway.name,
                "permit_number": f"P-{case.pk:06d}",
                "permit_expires_on": day + timedelta(days=730),
            }
            if stage == Stage.APPROVED
            else {}
        )
        process = services.move_process(process=process, to=stage, by=by, on=day, **permit)
    if path and path[-1] in (Stage.APPROVED, Stage.WITHDRAWN) and rng.random() < 0.5:
        services.close_case(case=case, by=by, reason="regularized" if path[-1] == Stage.APPROVED else "other")
    elif rng.random() < 0.4:
        services.plan_follow_up(
            case=case,
            due_on=today + timedelta(days=rng.randint(-5, 10)),
            assigned_to=by,
            note=PEOPLE["follow_up_note"],
            by=by,
        )


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    pathways = load_pathways()
    rng = random.Random(20261129)
    today = timezone.localdate()
    consultations = cases = 0
    for window in InformationWindow.objects.filter(active=True).select_related("country").order_by("pk"):
        by = _window_staff(window)
        if by is None:
            continue
        pathway = RegularizationPathway.objects.filter(country=window.country, active=True).first()
        for n in range(16):
            services.log_consultation(
                window=window,
                by=by,
                form_token=_token("consultation", window.pk, n),
                data={
                    "date": today - timedelta(days=rng.randint(0, 180)),
                    "channel": rng.choice(["walk_in", "walk_in", "phone", "whatsapp", "outreach"]),
                    "topics": rng.sample(
                        ["regularization", "asylum", "labour", "documents", "health", "return", "risks"],
                        rng.randint(1, 2),
                    ),
                    "nationality": rng.choice(NATIONALITIES),
                    "sex": rng.choice(["female", "male"]),
                    "age_group": rng.choice(["18-29", "30-59", "12-17", "60+"]),
                    "referred": rng.random() < 0.2,
                },
            )
            consultations += 1
        # More cases where the demo logins work, so their pathways show observed processing times.
        for n in range(24 if window.country.code in ("CR", "PA") else 8):
            _demo_case(rng, window, by, n, pathway)
            cases += 1
    if stdout:
        stdout.write(f"  {pathways} sample pathways, {consultations} consultations, {cases} cases\n")
    return []
