"""Every staff page with the three personas: staff of the window (writes), the country officer (reads,
403 on writes), staff of another country (404); wrong methods; bad input kept on the form."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, Consultation, Person, RegularizationProcess
from tests.cases.factories import make_case, make_person
from tests.factories import UserFactory, member
from ventanillas.models import PartnerOrganisation, Role

# A day the forms accept for a planned appointment or follow-up (within the next two years).
SOON = (date.today() + timedelta(days=40)).isoformat()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world(window_cr, staff_cr, process_cr, cr):
    case = process_cr.case
    services.record_consent(person=case.person, kinds=["share_partners"], notice_language="es", by=staff_cr)
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)
    consultation, _ = services.log_consultation(
        window=window_cr, by=staff_cr, data={"date": timezone.localdate(), "topics": ["health"]}
    )
    return {
        "case": case,
        "person": case.person,
        "process": process_cr,
        "item": process_cr.checklist.first(),
        "follow_up": services.plan_follow_up(
            case=case, due_on=timezone.localdate(), assigned_to=staff_cr, note="Llamar", by=staff_cr
        ),
        "referral": services.refer(case=case, partner=partner, service="health", by=staff_cr),
        "partner": partner,
        "consultation": consultation,
    }


# name, url kwargs key (object in world), valid POST data (None: GET-only page)
READ_PAGES = [
    ("cases:case-detail", "case"),
    ("cases:person-detail", "person"),
]
WRITE_PAGES = [
    (
        "cases:person-edit",
        "person",
        lambda w: {
            "given_names": "Ana",
            "sex": "female",
            "gender": "woman",
            "preferred_language": "es",
            "legal_basis": "consent",
        },
    ),
    ("cases:person-consent", "person", lambda w: {"kinds": ["contact_phone"], "notice_language": "es"}),
    ("cases:household-add", "person", lambda w: {"relationship": "child", "age_group": "0-11", "sex": "female"}),
    ("cases:case-edit", "case", lambda w: {"needs": ["legal"], "notes": "Nota"}),
    ("cases:case-close", "case", lambda w: {"reason": "resolved"}),
    ("cases:process-move", "process", lambda w: {"to": "withdrawn"}),
    ("cases:appointment-create", "process", lambda w: {"at": f"{SOON}T09:00", "place": "DGME"}),
    (
        "cases:followup-create",
        "case",
        lambda w: {"due_on": SOON, "assigned_to": w["case"].opened_by_id, "note": "Llamar"},
    ),
    ("cases:referral-create", "case", lambda w: {"partner": w["partner"].pk, "service": "legal"}),
    ("cases:referral-update", "referral", lambda w: {"status": "accepted"}),
    ("cases:checklist-update", "item", lambda w: {"status": "received"}),
    ("cases:followup-done", "follow_up", lambda w: {}),
    ("cases:person-erase", "person", lambda w: {}),
]


@pytest.mark.parametrize(("name", "key"), READ_PAGES)
def test_read_pages_by_persona(world, staff_cr_client, officer_cr_client, staff_pa_client, name, key):
    url = reverse(name, args=[world[key].pk])
    assert staff_cr_client.get(url).status_code == 200
    assert officer_cr_client.get(url).status_code == 200
    assert staff_pa_client.get(url).status_code == 404
    assert staff_cr_client.post(url).status_code == 405


@pytest.mark.parametrize(("name", "key", "data"), WRITE_PAGES)
def test_write_pages_by_persona(world, staff_cr_client, officer_cr_client, staff_pa_client, name, key, data):
    url = reverse(name, args=[world[key].pk])
    payload = data(world)
    assert officer_cr_client.post(url, payload).status_code == 403
    assert staff_pa_client.post(url, payload).status_code == 404
    assert staff_cr_client.delete(url).status_code == 405
    response = staff_cr_client.post(url, payload)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    "name",
    [
        "cases:consultation-create",
        "cases:person-search",
        "cases:person-create",
        "cases:tasks",
        "cases:case-list",
        "cases:consultation-list",
    ],
)
def test_list_and_create_pages(world, staff_cr_client, officer_cr_client, name):
    url = reverse(name)
    assert staff_cr_client.get(url).status_code == 200
    assert staff_cr_client.put(url).status_code == 405
    expected = 200 if name in ("cases:tasks", "cases:case-list", "cases:consultation-list") else 403
    assert officer_cr_client.get(url).status_code == expected


def test_lists_show_only_the_users_records(world, staff_cr_client, staff_pa_client, officer_cr_client):
    for client, visible in ((staff_cr_client, True), (officer_cr_client, True), (staff_pa_client, False)):
        page = client.get(reverse("cases:case-list")).content.decode()
        assert ("María José Pérez Gómez" in page) is visible


def test_a_regional_officer_sees_no_individual_record(world, client):
    user = UserFactory(username="regional")
    member(user, Role.REGIONAL_OFFICER)
    client.force_login(user)
    assert client.get(reverse("cases:case-list")).status_code == 403
    assert client.get(reverse("cases:case-detail", args=[world["case"].pk])).status_code == 404


def test_the_consultation_form_logs_once_even_when_sent_twice(window_cr, staff_cr_client):
    url = reverse("cases:consultation-create")
    token = staff_cr_client.get(url).context["form"].initial["form_token"]
    data = {
        "form_token": token,
        "window": window_cr.pk,
        "date": timezone.localdate(),
        "channel": "walk_in",
        "topics": ["regularization", "health"],
        "nationality": "VE",
        "sex": "female",
        "age_group": "18-29",
    }
    assert staff_cr_client.post(url, data).status_code == 302
    assert staff_cr_client.post(url, data).status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.topics == ["regularization", "health"]
    assert consultation.recorded_by.username == "staff_cr"


def test_a_future_consultation_date_is_refused_and_the_input_kept(window_cr, staff_cr_client):
    future = timezone.localdate() + timedelta(days=3)
    response = staff_cr_client.post(
        reverse("cases:consultation-create"),
        {
            "window": window_cr.pk,
            "date": future,
            "channel": "phone",
            "topics": ["asylum"],
            "sex": "male",
            "age_group": "30-59",
        },
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert response.context["form"]["channel"].value() == "phone"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("document_number", "AB#$%", "letters and digits only"),
        ("given_names", "x" * 121, "at most 120 characters"),
        ("consents", [], "must consent"),
    ],
)
def test_bad_person_input_is_refused_with_a_message_and_kept(window_cr, staff_cr_client, field, value, message):
    data = {
        "window": window_cr.pk,
        "given_names": "Rosa",
        "family_names": "Díaz",
        "sex": "female",
        "gender": "woman",
        "preferred_language": "es",
        "legal_basis": "consent",
        "consents": ["processing"],
        "document_type": "passport",
        field: value,
    }
    response = staff_cr_client.post(reverse("cases:person-create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"]["family_names"].value() == "Díaz"
    assert not Person.objects.exists()


def test_a_stage_move_out_of_order_is_refused_on_the_form(world, staff_cr_client):
    response = staff_cr_client.post(
        reverse("cases:process-move", args=[world["process"].pk]), {"to": "approved", "permit_number": "X-1"}
    )
    assert response.status_code == 400
    assert "cannot move from “Preparing” to “Approved”" in response.content.decode()
    assert response.context["form"]["permit_number"].value() == "X-1"


def test_a_pathway_of_another_country_cannot_be_chosen(world, staff_cr_client, pa, staff_cr):
    from tests.cases.factories import PathwayFactory

    case = make_case(world["case"].window, staff_cr)
    response = staff_cr_client.post(
        reverse("cases:process-start", args=[case.pk]), {"pathway": PathwayFactory(country=pa).pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_referral_without_consent_is_refused_on_the_form(world, staff_cr_client, staff_cr, window_cr):
    case = make_case(window_cr, staff_cr)
    response = staff_cr_client.post(
        reverse("cases:referral-create", args=[case.pk]), {"partner": world["partner"].pk, "service": "legal"}
    )
    assert response.status_code == 400
    assert "has not agreed to share" in response.content.decode()


def test_opening_a_person_page_is_audited(world, officer_cr_client, officer_cr):
    officer_cr_client.get(reverse("cases:person-detail", args=[world["person"].pk]))
    assert AuditEntry.objects.filter(action="view", person_id=world["person"].pk, user=officer_cr).exists()


def test_opening_a_case_page_is_audited(world, officer_cr_client, officer_cr):
    officer_cr_client.get(reverse("cases:case-detail", args=[world["case"].pk]))
    entry = AuditEntry.objects.get(action="view", case_id=world["case"].pk)
    assert entry.user == officer_cr and entry.person_id == world["person"].pk


def test_adding_to_the_household_of_an_erased_person_is_refused_on_the_form(world, staff_cr_client, staff_cr):
    services.erase_person(person=world["person"], by=staff_cr)
    url = reverse("cases:household-add", args=[world["person"].pk])
    response = staff_cr_client.post(
        url, {"relationship": "child", "given_names": "Luz", "age_group": "0-11", "sex": "female"}
    )
    assert response.status_code == 400
    assert "was erased" in response.content.decode()
    assert 'value="Luz"' in response.content.decode()


def test_search_shows_matches_with_reasons(world, staff_cr_client):
    page = staff_cr_client.post(
        reverse("cases:person-search"), {"names": "perez maria", "document_number": "p1234567"}
    ).content.decode()
    assert "María José Pérez Gómez" in page
    assert "Same document number" in page


def test_what_the_search_holds_never_travels_in_a_url(world, staff_cr_client):
    url = reverse("cases:person-search") + f"?consultation={world['consultation'].pk}"
    page = staff_cr_client.post(url, {"names": "Rosa Nadie", "document_number": "zz998877", "phone": "+506 7111 2233"})
    html = page.content.decode()
    assert page.status_code == 200 and "Nobody matches" in html
    assert "Nadie" not in " ".join(re.findall(r'(?:href|action)="([^"]*)"', html))
    assert "ZZ998877" not in " ".join(re.findall(r'(?:href|action)="([^"]*)"', html)).upper()
    # "None of these" posts what was typed to the registration form, which shows it without saving.
    create = reverse("cases:person-create") + f"?consultation={world['consultation'].pk}"
    form_page = staff_cr_client.post(
        create, {"prefill": "1", "names": "Rosa Nadie", "document_number": "zz998877", "phone": "+506 7111 2233"}
    )
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["family_names"] == "Nadie"
    assert 'value="zz998877"' in form_page.content.decode()
    assert not form_page.context["form"].is_bound
    assert not [p for p in Person.objects.all() if p.given_names == "Rosa"]  # names are encrypted: read, compare


def test_an_export_audit_keeps_no_free_text_from_the_filters(world, officer_cr_client):
    officer_cr_client.get(reverse("cases:case-list"), {"export": "csv", "q": "Pérez", "status": "open"})
    entry = AuditEntry.objects.get(action="export")
    assert entry.details["filters"] == {"status": "open"}


def test_a_consultation_becomes_a_case_without_retyping(world, staff_cr_client):
    consultation = world["consultation"]
    response = staff_cr_client.get(reverse("cases:consultation-convert", args=[consultation.pk]))
    assert response["Location"].endswith(f"?consultation={consultation.pk}")
    url = reverse("cases:case-create", args=[world["person"].pk]) + f"?consultation={consultation.pk}"
    token = staff_cr_client.get(url).context["form"].initial["form_token"]
    response = staff_cr_client.post(url, {"form_token": token, "window": consultation.window_id})
    consultation.refresh_from_db()
    assert consultation.case is not None
    assert response["Location"] == consultation.case.get_absolute_url()


def test_export_is_for_roles_allowed_to_export_and_is_audited(world, staff_cr_client, officer_cr_client, officer_cr):
    assert staff_cr_client.get(reverse("cases:case-list"), {"export": "csv"}).status_code == 403
    response = officer_cr_client.get(reverse("cases:case-list"), {"export": "csv", "status": "open"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")  # the byte-order mark Excel needs to read accents
    assert body.splitlines()[0].startswith("Case,Person,Window")
    assert "Pérez" not in body  # pseudonymous: no names leave the portal
    xlsx = officer_cr_client.get(reverse("cases:case-list"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export", user=officer_cr).count() == 2


def test_case_list_filters_sorts_and_paginates(world, staff_cr_client, staff_cr, window_cr):
    for i in range(26):
        make_case(
            window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names=f"Persona{i}", family_names="Zeta")
        )
    page = staff_cr_client.get(reverse("cases:case-list"), {"order": "opened"})
    # Names are encrypted: the list is not offered sorted by name (the database cannot sort them).
    assert 'value="opened"' in page.content.decode() and 'value="name"' not in page.content.decode()
    assert page.context["page"].paginator.count == 27
    assert len(page.context["page"].object_list) == 25
    assert page.context["page"].object_list[0].person.family_names == "Pérez Gómez"
    filtered = staff_cr_client.get(reverse("cases:case-list"), {"stage": "preparing", "q": f"#{world['case'].pk}"})
    assert [c.pk for c in filtered.context["page"]] == [world["case"].pk]
    # A bare number is a person's or a case's number: both kinds of match are listed.
    number = world["person"].pk
    by_person = list(staff_cr_client.get(reverse("cases:case-list"), {"q": str(number)}).context["page"])
    assert world["case"] in by_person
    assert all(c.person_id == number or c.pk == number for c in by_person)


def test_subject_access_export_holds_everything_and_is_audited(world, staff_cr_client):
    response = staff_cr_client.get(reverse("cases:person-export", args=[world["person"].pk]))
    data = response.json()
    assert data["person"]["document_number"] == "P1234567"
    assert data["cases"][0]["processes"][0]["checklist"]
    assert AuditEntry.objects.filter(action="export", person_id=world["person"].pk).exists()


def test_only_an_administrator_reads_the_audit_log(world, staff_cr_client, client):
    url = reverse("cases:audit-log", args=["case", world["case"].pk])
    assert staff_cr_client.get(url).status_code == 403
    admin = UserFactory(username="root")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "cases.regularizationprocess" in page.content.decode()


def test_my_tasks_lists_overdue_and_this_weeks_follow_ups(world, staff_cr_client, staff_cr):
    services.plan_follow_up(
        case=world["case"],
        due_on=timezone.localdate() - timedelta(days=2),
        assigned_to=staff_cr,
        note="Atrasado",
        by=staff_cr,
    )
    page = staff_cr_client.get(reverse("cases:tasks"))
    assert [f.note for f in page.context["tasks"].overdue] == ["Atrasado"]
    assert [f.note for f in page.context["tasks"].this_week] == ["Llamar"]


def test_merge_page_moves_the_duplicates_cases(world, staff_cr_client, staff_cr, window_cr):
    duplicate = make_person(window_cr, staff_cr, given_names="Maria Jose", family_names="Perez")
    dup_case = make_case(window_cr, staff_cr, person=duplicate)
    response = staff_cr_client.post(
        reverse("cases:person-merge", args=[world["person"].pk]), {"duplicate": duplicate.pk}
    )
    assert response.status_code == 302
    dup_case.refresh_from_db()
    assert dup_case.person == world["person"]


def test_pages_are_translated(world, staff_cr_client):
    page = staff_cr_client.get(f"/ht/staff/cases/{world['case'].pk}/").content.decode()
    assert "Istorik" in page


def test_the_consultation_date_is_prefilled_with_the_windows_day_not_the_servers(world, staff_cr_client, monkeypatch):
    # 03:30 UTC on the 2nd is 21:30 on the 1st in San José: an evening clerk logs the 1st.
    from datetime import UTC, date, datetime

    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 6, 2, 3, 30, tzinfo=UTC))
    form = staff_cr_client.get(reverse("cases:consultation-create")).context["form"]
    assert form.initial["date"] == date(2025, 6, 1)


def test_a_closed_cases_follow_ups_and_referrals_wait_for_it_to_be_reopened(world, staff_cr_client, staff_cr):
    case, follow_up = world["case"], world["follow_up"]
    services.close_case(case=case, by=staff_cr, reason="resolved")
    page = staff_cr_client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "Mark done" not in page
    assert reverse("cases:referral-update", args=[world["referral"].pk]) not in page
    assert staff_cr_client.get(reverse("cases:tasks")).context["tasks"].this_week == []
    response = staff_cr_client.post(reverse("cases:followup-done", args=[follow_up.pk]), follow=True)
    assert "This case is closed. Reopen it before changing it." in response.content.decode()
    response = staff_cr_client.post(
        reverse("cases:referral-update", args=[world["referral"].pk]), {"status": "accepted"}
    )
    assert response.status_code == 400
    assert "This case is closed. Reopen it before changing it." in response.content.decode()
    services.reopen_case(case=case, by=staff_cr)
    assert [f.note for f in staff_cr_client.get(reverse("cases:tasks")).context["tasks"].this_week] == ["Llamar"]


def test_a_read_only_officer_is_not_offered_forms_that_would_refuse_them(
    officer_cr_client, staff_cr_client, window_cr, staff_cr
):
    # An officer reads every record but logs none: links to those forms would end on a 403 page.
    consultation, *_ = services.log_consultation(
        window=window_cr, by=staff_cr, data={"date": timezone.localdate(), "topics": ["health"]}
    )
    refused = [reverse("cases:consultation-create"), reverse("cases:consultation-convert", args=[consultation.pk])]
    for url in (reverse("staff-home"), reverse("cases:case-list"), reverse("cases:consultation-list")):
        page = officer_cr_client.get(url).content.decode()
        assert not [link for link in refused if link in page]
    page = staff_cr_client.get(reverse("cases:consultation-list")).content.decode()
    assert all(link in page for link in refused)


@pytest.mark.parametrize("name", ["cases:case-list", "cases:consultation-list"])
def test_list_filters_say_any_in_the_readers_language_instead_of_dashes(staff_cr_client, name):
    url = reverse(name)
    assert url.startswith("/en/")
    html = staff_cr_client.get(url).content.decode()
    assert "---------" not in html and ">Any</option>" in html
    assert ">Cualquiera</option>" in staff_cr_client.get(url.replace("/en/", "/es/", 1)).content.decode()


def test_case_forms_label_the_blank_choice_instead_of_dashes(staff_cr_client, window_cr, staff_cr):
    case = make_case(window_cr, staff_cr)
    for name in ("cases:case-edit", "cases:followup-create", "cases:process-start", "cases:referral-create"):
        assert "---------" not in staff_cr_client.get(reverse(name, args=[case.pk])).content.decode()


def test_start_a_process_is_offered_only_when_no_process_is_under_way(staff_cr_client, process_cr, staff_cr):
    from cases import services

    start = reverse("cases:process-start", args=[process_cr.case.pk])
    page = staff_cr_client.get(process_cr.case.get_absolute_url()).content.decode()
    assert start not in page  # it would only end on "This case already has a process under way."
    services.move_process(process=process_cr, to="withdrawn", by=staff_cr)
    page = staff_cr_client.get(process_cr.case.get_absolute_url()).content.decode()
    assert start in page


def test_an_evening_stage_move_is_prefilled_with_the_windows_day_and_a_refusal_offers_only_allowed_moves(
    world, staff_cr_client, monkeypatch
):
    # 03:30 UTC on the 2nd is 21:30 on the 1st in San José: the move is made on the 1st, not tomorrow.
    from datetime import UTC, date, datetime

    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 6, 2, 3, 30, tzinfo=UTC))
    process = world["process"]
    process.started_at = date(2025, 5, 1)
    process.save()
    page = staff_cr_client.get(reverse("cases:case-detail", args=[world["case"].pk]))
    assert page.context["processes"][0][1].initial["on"] == date(2025, 6, 1)
    url = reverse("cases:process-move", args=[process.pk])
    response = staff_cr_client.post(url, {"to": "approved"})
    offered = re.findall(r'<option value="(\w+)"', response.content.decode())
    assert offered == ["documents_complete", "withdrawn"]
    staff_cr_client.post(url, {"to": "withdrawn", "on": "2025-06-01"})
    process.refresh_from_db()
    assert (process.stage, process.withdrawn_at) == ("withdrawn", date(2025, 6, 1))


def test_the_case_page_shows_times_on_the_windows_clock_and_dates_in_the_readers_format(
    world, staff_cr_client, staff_cr
):
    # booked for 10:00 in San José (UTC-6): the page must not read 16:00, the server's UTC hour
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    at = datetime.combine(date.today() + timedelta(days=60), time(10, 0), tzinfo=ZoneInfo("America/Costa_Rica"))
    services.book_appointment(process=world["process"], at=at, place="DGME", purpose="Entrevista", by=staff_cr)
    services.plan_follow_up(case=world["case"], due_on=at.date(), assigned_to=staff_cr, note="Llamar", by=staff_cr)
    page = staff_cr_client.get(f"/es/staff/cases/{world['case'].pk}/").content.decode()
    assert f"{at:%d/%m/%Y} 10:00 · Lugar: DGME" in page
    assert "16:00" not in page
    assert f"Seguimiento programado para el {at:%d/%m/%Y}." in page


def test_the_case_page_offers_a_new_process_only_when_none_is_under_way_and_changes_only_to_its_staff(
    staff_cr_client, officer_cr_client, window_cr, staff_cr, pathway_cr
):
    case = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Lucía"))
    url = reverse("cases:case-detail", args=[case.pk])
    start = reverse("cases:process-start", args=[case.pk])
    page = staff_cr_client.get(url).content.decode()
    assert start in page and "Lucía" in page
    process = services.start_process(case=case, pathway=pathway_cr, by=staff_cr)
    assert start not in staff_cr_client.get(url).content.decode()
    RegularizationProcess.objects.filter(pk=process.pk).update(stage="withdrawn")
    assert start in staff_cr_client.get(url).content.decode()
    # A country officer reads the case and its person's name, and is offered no change.
    page = officer_cr_client.get(url).content.decode()
    assert "Lucía" in page and start not in page and reverse("cases:case-edit", args=[case.pk]) not in page
