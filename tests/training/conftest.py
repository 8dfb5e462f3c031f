from __future__ import annotations

import pytest
from django.utils import translation

from notifications.models import Message
from tests.conftest import _client_for
from tests.factories import Role, UserFactory, member
from training import services
from training.services import ParticipantData

from .factories import SessionFactory


@pytest.fixture(autouse=True)
def _english():
    """Services' messages in English, whatever language an earlier request left active in this thread."""
    with translation.override("en"):
        yield


@pytest.fixture
def trainer(cr):
    user = UserFactory(username="trainer_cr")
    member(user, Role.TRAINER, country_obj=cr)
    return user


@pytest.fixture
def other_trainer(pa):
    user = UserFactory(username="trainer_pa")
    member(user, Role.TRAINER, country_obj=pa)
    return user


@pytest.fixture
def trainer_client(trainer):
    return _client_for(trainer)


@pytest.fixture
def other_trainer_client(other_trainer):
    return _client_for(other_trainer)


@pytest.fixture
def session(trainer, cr):
    return SessionFactory(trainers=[trainer], country=cr)


def person(n: int, cr, **overrides) -> ParticipantData:
    values = {
        "email": f"Persona{n}@Ministerio.example",
        "name": f"Persona {n}",
        "sector": "government",
        "sex": "female" if n % 2 else "male",
        "country_id": cr.pk,
        "language": "es",
    }
    values.update(overrides)
    return ParticipantData(**values)


@pytest.fixture
def enrol(cr):
    """Enrol person n in a session as a trainer's list would (e-mail vouched for): seat or waitlist."""

    def _enrol(session, n: int, **overrides):
        enrolment, _new = services.enrol_verified(session=session, data=person(n, cr, **overrides))
        return enrolment

    return _enrol


def outbox(kind: str = "") -> list[tuple[str, str]]:
    """(kind, recipient) of the messages queued in the outbox, oldest first."""
    rows = Message.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=f"training.{kind}")
    return [(m.kind.removeprefix("training."), m.recipient) for m in rows]
