"""The trainers' pages: their own sessions only, rosters, attendance, results, certificates, CSV upload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from training import services
from training.models import Attendance, Certificate, Enrolment, Participant, Session, Status

from .conftest import person
from .factories import SessionFactory

pytestmark = pytest.mark.django_db

HEADER = "name,email,sector,sex,country,institution\n"


def csv_file(text: str, *, encoding: str = "utf-8", name: str = "lista.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def ended(cr, trainer):
    today = timezone.localdate()
    session = SessionFactory(
        country=cr, starts_on=today - dt.timedelta(days=2), ends_on=today - dt.timedelta(days=1), trainers=[trainer]
    )
    for n in (1, 2):
        participant = services.get_or_create_participant(person(n, cr))
        Enrolment.objects.create(session=session, participant=participant, status=Status.CONFIRMED)
    Session.objects.filter(pk=session.pk).update(seats_taken=2)
    session.refresh_from_db()
    return session


# --- scope ----------------------------------------------------------------------------------------------


def test_a_trainer_sees_only_their_own_sessions(trainer_client, session, cr, other_trainer):
    theirs = SessionFactory(country=cr, trainers=[other_trainer])
    page = trainer_client.get("/es/training/staff/").content.decode()
    assert f"/training/staff/sessions/{session.pk}/" in page
    assert f"/training/staff/sessions/{theirs.pk}/" not in page
    assert trainer_client.get(f"/es/training/staff/sessions/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/es/training/staff/sessions/{pk}/",
        "/es/training/staff/sessions/{pk}/import/",
        "/es/training/staff/sessions/{pk}/roster.csv",
        "/es/training/staff/sessions/{pk}/attendance/{day}/",
    ],
)
def test_another_trainers_session_is_not_found(other_trainer_client, session, path):
    url = path.format(pk=session.pk, day=session.starts_on.isoformat())
    assert other_trainer_client.get(url).status_code == 404


def test_window_staff_without_the_trainer_role_are_refused(staff_cr_client, session):
    assert staff_cr_client.get("/es/training/staff/").status_code == 403
    assert staff_cr_client.get(f"/es/training/staff/sessions/{session.pk}/").status_code == 403
    assert staff_cr_client.get("/es/training/staff/people-trained/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, session):
    response = client.get(f"/es/training/staff/sessions/{session.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_sees_every_session(client, session):
    from tests.factories import UserFactory

    admin = UserFactory(username="root")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(f"/es/training/staff/sessions/{session.pk}/").status_code == 200


# --- roster, cancel -------------------------------------------------------------------------------------


def test_the_roster_shows_seats_and_the_waitlist(trainer_client, cr, trainer, enrol):
    session = SessionFactory(country=cr, capacity=1, trainers=[trainer])
    enrol(session, 1)
    enrol(session, 2)
    page = trainer_client.get(f"/en/training/staff/sessions/{session.pk}/").content.decode()
    assert "Persona 1" in page and "Persona 2" in page
    assert "Confirmed" in page and "Waitlisted" in page
    assert page.index("Persona 1") < page.index("Persona 2")


def test_the_roster_csv_lists_everyone(trainer_client, session, enrol):
    enrol(session, 1)
    response = trainer_client.get(f"/es/training/staff/sessions/{session.pk}/roster.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "persona1@ministerio.example" in response.content.decode()


def test_a_trainer_cancels_an_enrolment_and_the_seat_is_offered(trainer_client, cr, trainer, enrol):
    session = SessionFactory(country=cr, capacity=1, trainers=[trainer])
    first, second = enrol(session, 1), enrol(session, 2)
    response = trainer_client.post(f"/es/training/staff/enrolments/{first.pk}/cancel/")
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.OFFERED


def test_cancel_needs_post(trainer_client, session, enrol):
    enrolment = enrol(session, 1)
    assert trainer_client.get(f"/es/training/staff/enrolments/{enrolment.pk}/cancel/").status_code == 405


def test_cancel_of_another_trainers_enrolment_is_not_found(other_trainer_client, session, enrol):
    enrolment = enrol(session, 1)
    assert other_trainer_client.post(f"/es/training/staff/enrolments/{enrolment.pk}/cancel/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED


# --- attendance and results -----------------------------------------------------------------------------


def test_marking_attendance_for_a_day(trainer_client, ended):
    day = ended.days[0].isoformat()
    first, second = sorted(ended.enrolments.select_related("participant"), key=lambda e: e.participant.name)
    url = f"/en/training/staff/sessions/{ended.pk}/attendance/{day}/"
    assert "Persona 1" in trainer_client.get(url).content.decode()
    response = trainer_client.post(url, {f"mark_{first.pk}": "present", f"mark_{second.pk}": "excused"})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "mark")) == {first.pk: "present", second.pk: "excused"}
    first.refresh_from_db()
    assert first.status == Status.ATTENDED


def test_attendance_with_a_missing_mark_is_kept_on_the_form(trainer_client, ended):
    first, second = sorted(ended.enrolments.select_related("participant"), key=lambda e: e.participant.name)
    url = f"/en/training/staff/sessions/{ended.pk}/attendance/{ended.days[0].isoformat()}/"
    response = trainer_client.post(url, {f"mark_{first.pk}": "late", f"mark_{second.pk}": "sleeping"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "Select a valid choice" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_for_a_day_outside_the_session_is_not_found(trainer_client, ended):
    assert trainer_client.get(f"/es/training/staff/sessions/{ended.pk}/attendance/2001-01-01/").status_code == 404
    assert trainer_client.get(f"/es/training/staff/sessions/{ended.pk}/attendance/tomorrow/").status_code == 404


def test_attendance_for_a_future_day_is_refused_on_the_form(trainer_client, session, enrol):
    enrolment = enrol(session, 1)
    url = f"/en/training/staff/sessions/{session.pk}/attendance/{session.starts_on.isoformat()}/"
    response = trainer_client.post(url, {f"mark_{enrolment.pk}": "present"})
    assert response.status_code == 200
    assert "once the day&#x27;s session has begun" in response.content.decode()


def test_closing_the_results_issues_certificates_and_a_trainer_revokes_one(trainer_client, ended):
    first, second = sorted(ended.enrolments.select_related("participant"), key=lambda e: e.participant.name)
    for day in ended.days:
        trainer_client.post(
            f"/es/training/staff/sessions/{ended.pk}/attendance/{day.isoformat()}/",
            {f"mark_{first.pk}": "present", f"mark_{second.pk}": "absent"},
        )
    confirm = trainer_client.get(f"/en/training/staff/sessions/{ended.pk}/finalise/").content.decode()
    assert Certificate.objects.count() == 0  # the confirmation page changes nothing
    rows = confirm[confirm.index("<tbody>") : confirm.index("</tbody>")]
    assert first.participant.name in rows and "<strong>Certificate</strong>" in rows
    assert "Did not come: no certificate" in rows
    response = trainer_client.post(f"/en/training/staff/sessions/{ended.pk}/finalise/", follow=True)
    assert "1 completed, 1 did not come" in response.content.decode()
    certificate = Certificate.objects.get()
    pdf = trainer_client.get(f"/es/training/staff/certificates/{certificate.pk}/certificate.pdf")
    assert pdf.content.startswith(b"%PDF")
    revoke_url = f"/en/training/staff/certificates/{certificate.pk}/revoke/"
    response = trainer_client.post(revoke_url, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = trainer_client.post(revoke_url, {"reason": "Issued by mistake"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_valid


def test_closing_the_results_before_the_last_day_shows_an_error(trainer_client, session):
    response = trainer_client.post(f"/en/training/staff/sessions/{session.pk}/finalise/", follow=True)
    assert "once the session&#x27;s last day has ended" in response.content.decode()
    session.refresh_from_db()
    assert session.finalised_at is None


def test_another_trainer_cannot_revoke(other_trainer_client, ended, trainer):
    enrolment = ended.enrolments.first()
    for day in ended.days:
        services.record_attendance(session=ended, day=day, marks={enrolment.pk: "present"}, by=trainer)
    services.finalise_session(session=ended)
    certificate = Certificate.objects.get()
    assert other_trainer_client.post(f"/es/training/staff/certificates/{certificate.pk}/revoke/").status_code == 404
    assert (
        other_trainer_client.get(f"/es/training/staff/certificates/{certificate.pk}/certificate.pdf").status_code == 404
    )


# --- bulk CSV -------------------------------------------------------------------------------------------


def test_a_csv_is_previewed_with_errors_per_line_and_nothing_saved(trainer_client, session):
    text = HEADER + (
        "Ana Pérez,ana@mtss.example,government,female,CR,Ministerio de Trabajo\n"
        "Luis Mora,luis@,government,male,CR,Ministerio de Trabajo\n"
        "Eva Ruiz,eva@ong.example,ngo,female,CR,ONG\n"
        "Ana Repetida,ANA@mtss.example,government,female,CR,\n"
    )
    response = trainer_client.post(f"/en/training/staff/sessions/{session.pk}/import/", {"file": csv_file(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Will be enrolled." in page
    assert "&quot;luis@&quot; is not a valid e-mail address." in page
    assert "Unknown sector &quot;ngo&quot;." in page
    assert "already on line 2" in page
    assert "1 person will be enrolled." in page
    assert not Participant.objects.exists() and not Enrolment.objects.exists()


def test_confirming_the_preview_enrols_and_the_same_file_twice_enrols_nobody_twice(trainer_client, session, pa):
    text = HEADER + (
        "Ana Pérez,ana@mtss.example,government,female,CR,Ministerio de Trabajo\n"
        "Luis Mora,luis@mtss.example,Judiciary and legislature,Male,pa,Poder Judicial\n"
    )
    url = f"/en/training/staff/sessions/{session.pk}/import/"
    trainer_client.post(url, {"file": csv_file(text)})
    response = trainer_client.post(f"{url}confirm/", follow=True)
    assert "2 participants enrolled from the file." in response.content.decode()
    assert set(Enrolment.objects.values_list("participant__email", "status")) == {
        ("ana@mtss.example", "confirmed"),
        ("luis@mtss.example", "confirmed"),
    }
    assert Participant.objects.with_email("luis@mtss.example").get().sector == "judiciary"
    page = trainer_client.post(url, {"file": csv_file(text)}).content.decode()
    assert page.count("Already enrolled: left as is.") == 2
    assert "Confirm and enrol" not in page
    response = trainer_client.post(f"{url}confirm/", follow=True)
    assert "There is nothing to enrol" in response.content.decode()
    assert Enrolment.objects.count() == 2
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_a_csv_with_wrong_columns_is_refused_clearly(trainer_client, session):
    text = "nombre;correo;sector\nAna;ana@mtss.example;government\n"
    response = trainer_client.post(f"/en/training/staff/sessions/{session.pk}/import/", {"file": csv_file(text)})
    page = response.content.decode()
    assert "The columns of the file are not the expected ones." in page
    assert "Missing: name, email, sex, country" in page
    assert not Participant.objects.exists()


def test_a_csv_in_another_encoding_is_refused_clearly(trainer_client, session):
    text = HEADER + "José Núñez,jose@mtss.example,government,male,CR,Migración\n"
    response = trainer_client.post(
        f"/en/training/staff/sessions/{session.pk}/import/", {"file": csv_file(text, encoding="utf-16")}
    )
    assert "The file is not in UTF-8." in response.content.decode()
    response = trainer_client.post(
        f"/en/training/staff/sessions/{session.pk}/import/", {"file": csv_file(text, encoding="latin-1")}
    )
    assert "The file is not in UTF-8." in response.content.decode()
    assert not Participant.objects.exists()


def test_a_csv_with_semicolons_and_a_bom_is_read(trainer_client, session):
    text = "\ufeffname;email;sector;sex;country\nJosé Núñez;jose@mtss.example;media;male;CR\n"
    page = trainer_client.post(
        f"/en/training/staff/sessions/{session.pk}/import/", {"file": csv_file(text)}
    ).content.decode()
    assert "José Núñez" in page and "Will be enrolled." in page


def test_confirm_needs_post(trainer_client, session):
    assert trainer_client.get(f"/es/training/staff/sessions/{session.pk}/import/confirm/").status_code == 405


def test_import_into_another_trainers_session_is_not_found(other_trainer_client, session):
    response = other_trainer_client.post(
        f"/es/training/staff/sessions/{session.pk}/import/", {"file": csv_file(HEADER)}
    )
    assert response.status_code == 404


def test_the_staff_home_links_a_trainer_to_their_sessions(trainer_client, staff_cr_client):
    assert "/es/training/staff/" in trainer_client.get("/es/staff/").content.decode()
    assert "/es/training/staff/" not in staff_cr_client.get("/es/staff/").content.decode()


def test_the_csv_takes_the_old_undisclosed_and_sex_names_in_any_language(trainer_client, session):
    text = HEADER + (
        "Ana Pérez,ana@mtss.example,government,undisclosed,CR,\n"
        "Rose Joseph,rose@mtss.example,government,Fanm,CR,\n"
        "Luis Mora,luis@mtss.example,government,Not stated,CR,\n"
        "Kim Soto,kim@mtss.example,government,Intersexual,CR,\n"
        "Dani Vargas,dani@mtss.example,government,other,CR,\n"
    )
    url = f"/en/training/staff/sessions/{session.pk}/import/"
    trainer_client.post(url, {"file": csv_file(text)})
    response = trainer_client.post(f"{url}confirm/", follow=True)
    assert "5 participants enrolled from the file." in response.content.decode()
    assert dict(Participant.objects.values_list("email", "sex")) == {
        "ana@mtss.example": "unknown",
        "rose@mtss.example": "female",
        "luis@mtss.example": "unknown",
        "kim@mtss.example": "intersex",
        "dani@mtss.example": "other",
    }
