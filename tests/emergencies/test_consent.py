"""The consent to emergency messages: asked at the status check after a correct reference and PIN, given by
texting a keyword from a number already agreed to, and ended with the emergency (its queued messages
cancelled, the consent withdrawn, unless another emergency still covers the person)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import ConsentKind
from cases.rules import has_consent
from emergencies import services
from emergencies.models import Broadcast
from notifications.models import Message
from tests.cases.factories import make_person
from tests.factories import Role, UserFactory, WindowFactory, country, member
from tests.statuscheck.conftest import issued, process  # noqa: F401  (fixtures)
from tests.statuscheck.test_messages import _post
from tests.statuscheck.test_messages import gateway as _gateway
from tests.statuscheck.test_status_check import _check

from .factories import declare

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

gateway = _gateway  # the stand-in gateway, as a fixture here too


def _act(client, token, action, language="en"):
    with translation.override(language):
        return client.post(reverse("statuscheck:my-data"), {"token": token, "action": action})


def test_the_status_page_offers_emergency_messages_and_the_person_gives_then_stops_them(client, issued):  # noqa: F811
    access, pin = issued
    person = access.process.case.person
    page = _check(client, access.reference, pin)
    assert page.context["emergency"] == "possible"
    assert (
        'value="emergency:give"' in page.content.decode() and "ends when that emergency ends" in page.content.decode()
    )
    done = _act(client, page.context["off_token"], "emergency:give", language="ht")
    assert done.status_code == 200
    consent = person.consents.get(kind=ConsentKind.EMERGENCY)
    assert consent.recorded_by is None and consent.notice_language == "ht" and consent.in_force
    page = _check(client, access.reference, pin)
    assert page.context["emergency"] == "given" and 'value="emergency:stop"' in page.content.decode()
    _act(client, page.context["off_token"], "emergency:stop")
    assert not has_consent(person, ConsentKind.EMERGENCY)
    # A forged or stale token gives nothing.
    assert _act(client, "forged", "emergency:give").status_code == 400
    assert not has_consent(person, ConsentKind.EMERGENCY)


def test_nothing_is_offered_to_someone_nobody_may_write_to(client, issued):  # noqa: F811
    from cases import services as case_services

    access, pin = issued
    person = access.process.case.person
    case_services.withdraw_consent(person=person, kind=ConsentKind.CONTACT_WHATSAPP, by=None)
    page = _check(client, access.reference, pin)
    assert page.context["emergency"] == "" and "emergency:give" not in page.content.decode()
    assert _act(client, page.context["off_token"], "emergency:give").status_code == 400


@pytest.mark.parametrize("text", ["ALÈT", "alerte!", "Alerta", "ALERT", "alarm"])
def test_a_keyword_from_an_agreed_number_gives_the_consent_and_the_answer_tells_nothing(
    client, gateway, window_cr, staff_cr, text
):
    agreed = make_person(window_cr, staff_cr, consents=("processing", "contact_phone"), phone="+50688881111")
    _post(client, text, sid="SM-A")
    assert has_consent(agreed, ConsentKind.EMERGENCY)
    assert agreed.consents.get(kind=ConsentKind.EMERGENCY).recorded_by is None
    # A number whose owner did not agree to SMS at a window, or nobody's number: no consent, the same answer.
    refused = make_person(window_cr, staff_cr, consents=("processing",), phone="+50688882222")
    _post(client, text, sid="SM-B", sender="+50688882222")
    _post(client, text, sid="SM-C", sender="+50688883333")
    assert not has_consent(refused, ConsentKind.EMERGENCY)
    answers = Message.objects.filter(kind="statuscheck.emergency_optin").order_by("pk")
    assert answers.count() == 3
    assert len({(m.template, m.language, repr(m.context)) for m in answers}) == 1  # known or not, the same
    # Delivered twice by the gateway: one answer.
    _post(client, text, sid="SM-A")
    assert Message.objects.filter(kind="statuscheck.emergency_optin").count() == 3


@pytest.fixture
def haiti(settings):
    settings.EMERGENCY_BROADCAST_RATES = {"sms": 0.01, "whatsapp": 0.01, "email": 0.01}
    ht = country("HT")
    west = WindowFactory(country=ht, region="Ouest", slug="pap")
    north = WindowFactory(country=ht, region="Nord", slug="cap")
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=west)
    member(clerk, Role.WINDOW_STAFF, window=north)
    every = ("processing", "contact_phone", "emergency")
    people = [make_person(west, clerk, phone=f"+509 3700 00{n:02d}", consents=every) for n in range(3)]
    northerner = make_person(north, clerk, phone="+509 3700 0099", consents=every)
    return ht, people, northerner


def test_ending_the_emergency_cancels_its_queued_messages_and_ends_the_consent(
    haiti, django_capture_on_commit_callbacks
):
    ht, people, northerner = haiti
    hurricane = declare(ht, regions=["Ouest"])
    flood = declare(ht, by=hurricane.declared_by, regions=["Nord"], kind="flood")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = services.start_broadcast(emergency=hurricane, by=hurricane.declared_by)
    messages = Message.objects.for_object(broadcast)
    waiting = messages.filter(status=Message.Status.SCHEDULED).count()
    assert messages.count() == 3 and waiting >= 2  # the first is due at once; the rest at the gateway's rate
    with django_capture_on_commit_callbacks(execute=True):
        services.end(emergency=hurricane, by=hurricane.declared_by)
    assert not messages.filter(status=Message.Status.SCHEDULED).exists()
    assert messages.filter(status=Message.Status.CANCELLED).count() == waiting
    assert Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.CANCELLED
    for person in people:
        assert not has_consent(person, ConsentKind.EMERGENCY)
        assert person.consents.get(kind=ConsentKind.EMERGENCY).withdrawn_by == hurricane.declared_by
    # The flood in the North still runs: its people keep the consent until it ends.
    assert has_consent(northerner, ConsentKind.EMERGENCY)
    assert services.end_consents(hurricane.pk) == 0  # run again: nothing more
    with django_capture_on_commit_callbacks(execute=True):
        services.end(emergency=flood, by=flood.declared_by)
    assert not has_consent(northerner, ConsentKind.EMERGENCY)


def test_an_emergency_over_the_whole_country_keeps_the_consent_of_everyone_until_it_ends(haiti):
    ht, people, _northerner = haiti
    hurricane = declare(ht, regions=["Ouest"])
    declare(ht, by=hurricane.declared_by, kind="earthquake")  # the whole country
    services.end(emergency=hurricane, by=hurricane.declared_by)
    assert services.end_consents(hurricane.pk) == 0
    assert all(has_consent(person, ConsentKind.EMERGENCY) for person in people)
