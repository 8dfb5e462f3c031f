"""The public pages: catalogue, enrolment without an account, the participant's own page, verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import country
from training import services
from training.messages import enrolment_token
from training.models import Certificate, Enrolment, Participant, Session, Status

from .conftest import outbox, person
from .factories import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def form_data(cr, **overrides) -> dict[str, str]:
    data = {
        "name": "Ana Pérez",
        "email": "Ana.Perez@Migracion.example",
        "phone": "+506 2222 3333",
        "institution": "Dirección General de Migración",
        "sector": "government",
        "country": str(cr.pk),
        "sex": "female",
        "language": "es",
        "consent": "on",
    }
    data.update(overrides)
    return data


# --- catalogue ------------------------------------------------------------------------------------------


def test_catalogue_lists_coming_sessions_filtered_by_country_and_language(client, cr, pa):
    SessionFactory(course=CourseFactory(title="Derechos laborales", country=cr), country=cr)
    SessionFactory(course=CourseFactory(title="Protection internationale", country=pa, language="fr"), country=pa)
    SessionFactory(
        course=CourseFactory(title="Curso pasado", country=cr),
        country=cr,
        starts_on=dt.date(2020, 1, 6),
        ends_on=dt.date(2020, 1, 7),
    )
    page = client.get("/es/training/").content.decode()
    assert "Derechos laborales" in page and "Protection internationale" in page
    assert "Curso pasado" not in page
    page = client.get("/es/training/", {"country": "PA", "language": "fr"}).content.decode()
    assert "Protection internationale" in page and "Derechos laborales" not in page


def test_catalogue_ignores_an_unknown_country(client, cr):
    SessionFactory(course=CourseFactory(title="Derechos laborales", country=cr), country=cr)
    response = client.get("/es/training/", {"country": "ZZ"})
    assert response.status_code == 200
    assert "Derechos laborales" in response.content.decode()


def test_catalogue_refuses_post(client, db):
    assert client.post("/es/training/").status_code == 405


# --- enrolment form -------------------------------------------------------------------------------------


def test_enrolling_needs_no_account_and_sends_a_confirmation_link(client, session, cr):
    response = client.post(f"/es/training/sessions/{session.pk}/", form_data(cr))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:enrolment-sent")
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Status.PENDING
    assert enrolment.participant.email == "ana.perez@migracion.example"
    assert outbox() == [("confirm_email", "ana.perez@migracion.example")]


def test_a_malformed_email_is_refused_and_the_form_kept(client, session, cr):
    response = client.post(f"/es/training/sessions/{session.pk}/", form_data(cr, email="ana.perez@"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ana Pérez" in page  # the rest of what was typed is kept
    assert "is-invalid" in page
    assert not Enrolment.objects.exists()


def test_the_form_preselects_no_sex_or_sector_and_refuses_them_left_blank(client, session, cr):
    page = client.get(f"/ht/training/sessions/{session.pk}/").content.decode()
    assert "---------" not in page
    # Nobody is counted as a woman, or in the first sector, because they did not open the list.
    assert '<option value="" selected>Chwazi…</option>' in page
    response = client.post(f"/ht/training/sessions/{session.pk}/", form_data(cr, sex="", sector="", country=""))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("Ou dwe ranpli chan sa a.") == 3
    assert "Ana Pérez" in page and "---------" not in page
    assert not Enrolment.objects.exists()


def test_the_form_does_not_reveal_who_is_already_enrolled(client, session, cr):
    first = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr))
    again = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr, email="ANA.PEREZ@migracion.example"))
    stranger = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr, email="otra@migracion.example"))
    # The same answer whether or not the address was enrolled: "check your e-mail".
    assert first.status_code == again.status_code == stranger.status_code == 302
    assert first["Location"] == again["Location"] == stranger["Location"] == reverse("training:enrolment-sent")
    assert "Check your e-mail" in client.get(again["Location"]).content.decode()
    # No second enrolment; the person already enrolled is written a note with their own link instead.
    assert (
        Enrolment.objects.filter(participant__in=Participant.objects.with_email("ana.perez@migracion.example")).count()
        == 1
    )
    assert outbox() == [
        ("confirm_email", "ana.perez@migracion.example"),
        ("already_enrolled", "ana.perez@migracion.example"),
        ("confirm_email", "otra@migracion.example"),
    ]


def test_a_connection_sending_enrolments_by_the_dozen_is_stopped_and_nothing_more_is_mailed(client, session, cr):
    from training import views

    for n in range(views.ENROLMENTS_PER_HOUR):
        response = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr, email=f"p{n}@example.org"))
        assert response.status_code == 302
    response = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr, email="one-more@example.org"))
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many enrolment requests came from this connection" in page
    assert 'value="one-more@example.org"' in page  # what was typed is kept for later
    assert len(outbox()) == views.ENROLMENTS_PER_HOUR
    assert not Enrolment.objects.filter(participant__in=Participant.objects.with_email("one-more@example.org")).exists()
    # Someone on another connection can still enrol.
    other = client.post(
        f"/en/training/sessions/{session.pk}/", form_data(cr, email="b@example.org"), REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 302


def test_a_closed_session_refuses_enrolment_with_a_clear_message(client, session, cr):
    Session.objects.filter(pk=session.pk).update(enrolment_closes_at=timezone.now() - dt.timedelta(hours=1))
    page = client.get(f"/en/training/sessions/{session.pk}/").content.decode()
    assert "Enrolment for this session is closed." in page
    response = client.post(f"/en/training/sessions/{session.pk}/", form_data(cr))
    assert response.status_code == 200
    assert "Enrolment for this session is closed." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_full_session_says_new_enrolments_go_to_the_waitlist(client, cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    enrol(session, 1)
    assert "waitlist" in client.get(f"/en/training/sessions/{session.pk}/").content.decode()


def test_an_unpublished_session_is_not_found(client, session):
    Session.objects.filter(pk=session.pk).update(published=False)
    assert client.get(f"/es/training/sessions/{session.pk}/").status_code == 404


def test_the_session_page_refuses_put(client, session):
    assert client.put(f"/es/training/sessions/{session.pk}/").status_code == 405


# --- the participant's own page -------------------------------------------------------------------------


def test_the_link_confirms_only_on_post(client, session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    url = reverse("training:enrolment", kwargs={"token": enrolment_token(enrolment)})
    page = client.get(url).content.decode()
    assert "Pending confirmation" in page or "Pendiente" in page
    enrolment.refresh_from_db()
    assert enrolment.status == Status.PENDING  # a mail scanner opening the link confirms nothing
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED


def test_a_forged_token_is_not_found(client, db):
    assert client.get("/es/training/e/not-a-token/").status_code == 404


def test_an_unknown_action_is_a_bad_request(client, session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    url = reverse("training:enrolment", kwargs={"token": enrolment_token(enrolment)})
    assert client.post(url, {"action": "delete"}).status_code == 400


def test_accepting_and_declining_an_offer_from_the_page(client, cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second, third = enrol(session, 1), enrol(session, 2), enrol(session, 3)
    services.cancel_enrolment(enrolment=first)
    page = client.get(reverse("training:enrolment", kwargs={"token": enrolment_token(second)})).content.decode()
    assert "Accept the seat" in page or "Aceptar" in page
    client.post(reverse("training:enrolment", kwargs={"token": enrolment_token(second)}), {"action": "cancel"})
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.CANCELLED, Status.OFFERED)
    client.post(reverse("training:enrolment", kwargs={"token": enrolment_token(third)}), {"action": "accept"})
    third.refresh_from_db()
    assert third.status == Status.CONFIRMED


def test_an_action_that_is_not_allowed_shows_an_error(client, session, cr):
    enrolment = services.request_enrolment(session=session, data=person(1, cr))
    url = reverse("training:enrolment", kwargs={"token": enrolment_token(enrolment)})
    response = client.post(url, {"action": "accept"}, follow=True)
    assert "There is no seat offered to you" in response.content.decode() or response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.status == Status.PENDING


# --- certificates ---------------------------------------------------------------------------------------


def issue_certificate(cr, trainer, **session_fields) -> Certificate:
    """Ana Pérez attends every day of a two-day session that ended yesterday; closing its results issues her
    certificate."""
    today = timezone.localdate()
    session = SessionFactory(
        country=cr, starts_on=today - dt.timedelta(days=2), ends_on=today - dt.timedelta(days=1), trainers=[trainer],
        **session_fields,
    )  # fmt: skip
    participant = services.get_or_create_participant(person(1, cr, name="Ana Pérez"))
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    enrolment = Enrolment.objects.create(session=session, participant=participant, status=Status.CONFIRMED)
    for day in session.days:
        services.record_attendance(session=session, day=day, marks={enrolment.pk: "present"}, by=trainer)
    services.finalise_session(session=session)
    return Certificate.objects.get()


@pytest.fixture
def certificate(cr, trainer):
    return issue_certificate(cr, trainer)


def test_verify_shows_a_valid_certificate(client, certificate):
    page = client.get("/en/training/verify/", {"code": certificate.code.lower()}).content.decode()
    assert "This certificate is valid." in page
    assert "Ana Pérez" in page and certificate.course_title in page and "12" in page


def test_verify_shows_a_revoked_certificate(client, certificate, trainer):
    services.revoke_certificate(certificate=certificate, by=trainer, reason="Duplicado")
    page = client.get("/en/training/verify/", {"code": certificate.code}).content.decode()
    assert "was revoked" in page and "valid." not in page.replace("no longer valid.", "")


def test_verify_gives_the_revocation_day_of_the_sessions_country(client, certificate):
    # 04:30 UTC on the 29th is still the evening of the 28th in Costa Rica
    revoked = dt.datetime(2026, 11, 29, 4, 30, tzinfo=dt.UTC)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=revoked)
    page = client.get("/en/training/verify/", {"code": certificate.code}).content.decode()
    assert "revoked on Nov. 28, 2026" in page


def test_verify_says_when_no_certificate_has_the_code(client, db):
    response = client.get("/en/training/verify/", {"code": "NOPE-NOPE"})
    assert response.status_code == 200
    assert "No certificate has this code" in response.content.decode()
    assert 'value="NOPE-NOPE"' in response.content.decode()


def test_verify_refuses_post(client, db):
    assert client.post("/en/training/verify/").status_code == 405


def test_the_participant_downloads_the_certificate_pdf(client, certificate):
    url = reverse("training:enrolment-certificate", kwargs={"token": enrolment_token(certificate.enrolment)})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_revoked_certificate_cannot_be_downloaded(client, certificate, trainer):
    services.revoke_certificate(certificate=certificate, by=trainer, reason="Duplicado")
    url = reverse("training:enrolment-certificate", kwargs={"token": enrolment_token(certificate.enrolment)})
    assert client.get(url).status_code == 404


def test_messages_are_rendered_in_the_participants_language(session, cr):
    from notifications.channels import render
    from notifications.models import Message

    services.request_enrolment(session=session, data=person(1, cr, language="ht"))
    services.request_enrolment(session=session, data=person(2, cr, language="en"))
    subject_ht, _body = render(Message.objects.get(language="ht"))
    subject_en, body_en = render(Message.objects.get(language="en"))
    assert subject_en.startswith("Confirm your enrolment")
    assert subject_ht != subject_en
    assert session.course.title in subject_ht
    assert "/training/e/" in body_en


def test_country_fixture_exists_for_other_countries(db):
    assert country("HT").public_languages == ["ht", "fr"]
