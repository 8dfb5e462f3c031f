"""A migrant checks their own process with a reference and a PIN: the slip, the page, the lock, the audit."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import AuditEntry
from notifications.models import Message
from statuscheck import services
from statuscheck.models import Lookup, LookupOutcome, StatusAccess

pytestmark = pytest.mark.django_db

NOT_SHOWN = "We could not show a process for this reference and PIN"


def _check(client, reference, pin, language="en", **extra):
    with translation.override(language):
        url = reverse("statuscheck:check")
    return client.post(url, {"reference": reference, "pin": pin}, **extra)


# --- the slip ------------------------------------------------------------------------------------------------


def test_the_clerk_issues_a_slip_in_the_persons_language_and_the_pin_is_stored_hashed(staff_cr_client, process):
    url = reverse("statuscheck:staff", args=[process.pk])
    response = staff_cr_client.post(url, {"form_token": str(uuid.uuid4()), "send_by": ""})
    assert response.status_code == 200
    access = StatusAccess.objects.get(process=process)
    page = response.content.decode()
    pin = response.context["pin"]
    assert len(pin) == 6 and pin.isdigit()
    assert pin in page and services.format_reference(access.reference) in page
    assert pin not in access.pin_hash and access.pin_hash.startswith(("md5$", "pbkdf2", "argon2"))
    # The slip is in Kreyòl (the person's language), marked as such inside a Spanish staff page.
    assert 'lang="ht"' in page and "Swiv pwosesis ou" in page
    assert response["Cache-Control"].count("no-store")
    # The reference says nothing about the person, the window or the authority's file.
    assert "P7654321" not in access.reference and len(access.reference) == 8
    assert AuditEntry.objects.filter(object_type="cases.regularizationprocess", details__status_check="issued").exists()


def test_a_new_pin_kills_the_old_one_and_a_double_click_issues_one(staff_cr_client, client, process):
    url = reverse("statuscheck:staff", args=[process.pk])
    first = staff_cr_client.post(url, {"form_token": str(uuid.uuid4())}).context["pin"]
    token = str(uuid.uuid4())
    second = staff_cr_client.post(url, {"form_token": token}).context["pin"]
    again = staff_cr_client.post(url, {"form_token": token})
    assert "already issued" in again.content.decode() or "ya" in again.content.decode()
    reference = StatusAccess.objects.get(process=process).reference
    assert StatusAccess.objects.get(process=process).pin_version == 2
    assert NOT_SHOWN in _check(client, reference, first).content.decode()
    assert "Documents still missing" in _check(client, reference, second).content.decode()


def test_the_slip_goes_only_on_a_consented_channel(staff_cr_client, process):
    url = reverse("statuscheck:staff", args=[process.pk])
    page = staff_cr_client.get(url).content.decode()
    assert 'value="whatsapp"' in page and 'value="sms"' not in page and 'value="email"' not in page
    response = staff_cr_client.post(url, {"form_token": str(uuid.uuid4()), "send_by": "whatsapp"})
    message = Message.objects.get(kind="statuscheck.slip")
    assert message.channel == "whatsapp" and message.recipient == "+50688887777" and message.language == "ht"
    assert response.context["pin"] in message.context
    refused = staff_cr_client.post(url, {"form_token": str(uuid.uuid4()), "send_by": "sms"})
    assert refused.status_code == 400
    assert Message.objects.filter(kind="statuscheck.slip").count() == 1


def test_only_the_window_may_issue_and_another_country_sees_nothing(
    officer_cr_client, staff_pa_client, process, client
):
    url = reverse("statuscheck:staff", args=[process.pk])
    assert officer_cr_client.get(url).status_code == 200
    assert officer_cr_client.post(url, {"form_token": str(uuid.uuid4())}).status_code == 403
    assert staff_pa_client.get(url).status_code == 404
    assert staff_pa_client.post(url, {"form_token": str(uuid.uuid4())}).status_code == 404
    assert client.get(url).status_code == 302
    assert not StatusAccess.objects.exists()


# --- the person's page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "stage_words", "missing_heading"),
    [
        ("es", "Su solicitud se está preparando", "Documentos que faltan"),
        ("en", "Your application is being prepared", "Documents still missing"),
        ("fr", "Votre demande est en préparation", "Documents encore manquants"),
        ("nl", "Uw aanvraag wordt voorbereid", "Documenten die nog ontbreken"),
        ("ht", "Y ap prepare demann ou", "Dokiman ki manke toujou"),
    ],
)
def test_the_page_shows_the_stage_the_missing_documents_and_the_appointment_in_five_languages(
    client, issued, language, stage_words, missing_heading
):
    access, pin = issued
    response = _check(client, access.reference.lower(), pin, language)
    page = response.content.decode()
    assert response.status_code == 200
    assert stage_words in page and missing_heading in page
    # The required document still missing is named; the one received and the optional one are not.
    assert "Certificado de antecedentes" in page and "Pasaporte vigente" not in page and "Fotografías" not in page
    assert "DGME, La Uruca" in page and "Avenida 2, calle 5" in page and "+506 2222 3333" in page
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_nothing_else_about_the_person(client, issued):
    access, pin = issued
    page = _check(client, access.reference, pin).content.decode()
    person = access.process.case.person
    for private in (person.given_names, person.family_names, "P7654321", "Llegó con su hija", "Entrevista"):
        assert private not in page
    assert "+50688887777" not in page


def test_a_wrong_pin_an_unknown_reference_and_a_locked_one_get_the_same_answer(client, issued, staff_cr):
    access, pin = issued
    wrong = _check(client, access.reference, "000000" if pin != "000000" else "111111")
    unknown = _check(client, "ZZZZ-ZZZZ", pin)
    for response in (wrong, unknown):
        assert response.status_code == 200 and NOT_SHOWN in response.content.decode()
    # The reference typed comes back in the form; the PIN never does.
    assert access.reference in wrong.content.decode() and pin not in wrong.content.decode()
    services.set_enabled(access=access, enabled=False, by=staff_cr)
    off = _check(client, access.reference, pin)
    assert NOT_SHOWN in off.content.decode()


def test_five_wrong_pins_lock_the_reference_until_the_window_issues_a_new_pin(client, issued, staff_cr_client, process):
    access, pin = issued
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(5):
        _check(client, access.reference, wrong)
    access.refresh_from_db()
    assert access.locked
    assert NOT_SHOWN in _check(client, access.reference, pin).content.decode()
    # The clerk sees the lock on the case page and on the status check page.
    with translation.override("es"):
        case_url, staff_url = process.case.get_absolute_url(), reverse("statuscheck:staff", args=[process.pk])
    case_page = staff_cr_client.get(case_url).content.decode()
    assert "Bloqueado" in case_page
    staff_page = staff_cr_client.get(staff_url).content.decode()
    assert "Bloqueado el" in staff_page
    new_pin = staff_cr_client.post(
        reverse("statuscheck:staff", args=[process.pk]), {"form_token": str(uuid.uuid4())}
    ).context["pin"]
    assert "Documents still missing" in _check(client, access.reference, new_pin).content.decode()


def test_guessing_is_throttled_per_client_and_per_reference(client, issued, settings):
    settings.STATUSCHECK_CLIENT_LIMIT = 3
    settings.STATUSCHECK_REFERENCE_LIMIT = 4
    access, pin = issued
    for n in range(3):
        _check(client, f"ZZZZ-ZZZ{n + 2}", "123456")
    throttled = _check(client, access.reference, pin)
    assert "Too many tries" in throttled.content.decode()
    # Other clients (addresses) share the limit of one reference.
    for n in range(4):
        _check(client, access.reference, pin, REMOTE_ADDR=f"10.0.0.{n + 1}")
    blocked = _check(client, access.reference, pin, REMOTE_ADDR="10.0.0.99")
    assert "Too many tries" in blocked.content.decode()


def test_every_look_up_is_audited_without_the_pin(client, issued, caplog):
    access, pin = issued
    _check(client, access.reference, pin)
    _check(client, access.reference, "999999" if pin != "999999" else "888888")
    _check(client, "ABCD-EFGH", pin)
    rows = list(Lookup.objects.order_by("pk").values_list("channel", "outcome", "reference", "country__code"))
    assert rows == [
        ("web", "shown", access.reference, "CR"),
        ("web", "wrong_pin", access.reference, "CR"),
        ("web", "unknown", "ABCDEFGH", None),
    ]
    for lookup in Lookup.objects.all():
        assert pin not in str(lookup.__dict__)
    assert pin not in caplog.text


def test_the_person_can_turn_the_check_off(client, issued):
    access, pin = issued
    response = _check(client, access.reference, pin)
    token = response.context["off_token"]
    with translation.override("en"):
        done = client.post(reverse("statuscheck:turn-off"), {"token": token})
    assert done.status_code == 200 and "Status check turned off" in done.content.decode()
    access.refresh_from_db()
    assert not access.enabled
    again = client.post(reverse("statuscheck:turn-off"), {"token": token})  # pressed twice
    assert again.status_code == 200
    assert Lookup.objects.filter(access=access, outcome=LookupOutcome.TURNED_OFF).count() == 1
    assert NOT_SHOWN in _check(client, access.reference, pin).content.decode()
    forged = client.post(reverse("statuscheck:turn-off"), {"token": token + "x"})
    assert forged.status_code == 400


def test_control_characters_and_junk_get_a_message_not_an_error(client):
    response = _check(client, "AB\x00CD", "12\x003456")
    assert response.status_code == 400
    assert Lookup.objects.count() == 0


def test_an_erased_person_is_shown_nothing(client, issued, staff_cr, admin_user):
    from cases import services as case_services

    access, pin = issued
    person = access.process.case.person
    case_services.request_erasure(person=person, by=staff_cr)
    case_services.erase_person(person=person, by=admin_user)
    assert NOT_SHOWN in _check(client, access.reference, pin).content.decode()
