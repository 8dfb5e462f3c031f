"""A file handed over from Tegucigalpa (Honduras) to Guatemala City, with a third country (Mexico) looking on."""

from __future__ import annotations

import pytest

from tests.cases.factories import make_case, make_person, pathway_with_documents
from tests.factories import Role, UserFactory, WindowFactory, country, member


@pytest.fixture
def hn(db):
    return country("HN")


@pytest.fixture
def gt(db):
    return country("GT")


@pytest.fixture
def mx(db):
    return country("MX")


@pytest.fixture
def window_hn(hn):
    return WindowFactory(country=hn, name="Ventanilla Tegucigalpa", slug="tegucigalpa", city="Tegucigalpa")


@pytest.fixture
def window_gt(gt):
    return WindowFactory(country=gt, name="Ventanilla Ciudad de Guatemala", slug="guatemala", city="Guatemala")


@pytest.fixture
def window_gt2(gt):
    return WindowFactory(country=gt, name="Ventanilla Tecún Umán", slug="tecun-uman", city="Tecún Umán")


@pytest.fixture
def window_mx(mx):
    return WindowFactory(country=mx, name="Ventanilla Tapachula", slug="tapachula", city="Tapachula")


@pytest.fixture(autouse=True)
def _english():
    """Services' messages read in English here; pages choose their language by their URL."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _user(name, role, **where):
    user = UserFactory(username=name)
    member(user, role, **where)
    return user


@pytest.fixture
def staff_hn(window_hn):
    return _user("clerk-hn", Role.WINDOW_STAFF, window=window_hn)


@pytest.fixture
def staff_gt(window_gt):
    return _user("clerk-gt", Role.WINDOW_STAFF, window=window_gt)


@pytest.fixture
def staff_gt2(window_gt2):
    return _user("clerk-gt2", Role.WINDOW_STAFF, window=window_gt2)


@pytest.fixture
def officer_gt(gt):
    return _user("officer-gt", Role.COUNTRY_OFFICER, country_obj=gt)


@pytest.fixture
def staff_mx(window_mx):
    return _user("clerk-mx", Role.WINDOW_STAFF, window=window_mx)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def rule(hn, gt):
    from handovers.models import Decision, PairRule

    return PairRule.objects.create(from_country=hn, to_country=gt, decision=Decision.WITH_CONSENT)


@pytest.fixture
def file_hn(window_hn, staff_hn):
    """Ana's file in Tegucigalpa: a passport, needs, a vulnerability, a process with a document received, a
    case note, a person note and a follow-up note."""
    from cases import services

    person = make_person(
        window_hn,
        staff_hn,
        given_names="Ana Lucía",
        family_names="Reyes Canario",
        consents=("processing", "contact_phone"),
        vulnerabilities=("single_parent",),
        document_type="passport",
        document_number="HN1234567",
        phone="+50499887766",
        notes="Nota persona Qzsecreta",
    )
    case = make_case(
        window_hn, staff_hn, person=person, needs=["regularization", "health"], notes="Nota caso Kwreservada"
    )
    from django.utils import translation

    with translation.override("es"):  # the pathway is written in Spanish, as the country defines it
        pathway = pathway_with_documents(country=window_hn.country, slug="retorno")
    process = services.start_process(case=case, pathway=pathway, by=staff_hn)
    services.set_checklist_status(item=process.checklist.order_by("order").first(), status="received", by=staff_hn)
    from datetime import timedelta

    from django.utils import timezone

    follow_up = services.plan_follow_up(
        case=case,
        due_on=timezone.localdate() + timedelta(days=2),
        assigned_to=staff_hn,
        note="Llamar Pxseguimiento",
        by=staff_hn,
    )
    return {"person": person, "case": case, "process": process, "follow_up": follow_up}


@pytest.fixture
def send(file_hn, staff_hn, gt, window_gt, rule):
    """Start a handover of Ana's file to the Guatemala City window (keyword arguments change the choice)."""
    from handovers import services

    def start(**overrides):
        values = {
            "case": file_hn["case"],
            "by": staff_hn,
            "to_country": gt,
            "to_window": window_gt,
            "parts": ["identity", "documents", "needs", "history"],
            "notes_shared": [],
            "purpose": "continue",
            "consent_method": "at_window",
            "consent_language": "es",
        }
        values.update(overrides)
        return services.start_handover(**values)

    return start
