"""Keyboard-first case pages: every save returns to the section it changed (a URL fragment naming a heading
the browser can focus), says what happened in a status region, and a refused form opens with an error summary
linked to its fields. What a real browser does with focus is checked by the browser tests; here the markup
that makes it happen."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import ChecklistStatus
from ventanillas.models import PartnerOrganisation

# A day the forms accept for a planned appointment or follow-up (within the next two years).
SOON = (date.today() + timedelta(days=40)).isoformat()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _follow(client, response):
    """The page a redirect leads to, and the fragment the browser lands on."""
    assert response.status_code == 302, response.content.decode()[:2000]
    path, _, fragment = response["Location"].partition("#")
    return client.get(path).content.decode(), fragment


def _focus_target(html: str, fragment: str) -> str:
    """The tag with the fragment's id; it must exist and be focusable for the browser to focus it."""
    match = re.search(rf'<[^>]*\bid="{re.escape(fragment)}"[^>]*>', html)
    assert match, f"nothing on the page has id {fragment!r}"
    return match.group(0)


def _announces(html: str, text: str) -> bool:
    region = re.search(r'<div id="messages" role="status" aria-live="polite">(.*?)</div>\s*</div>', html, re.S)
    return bool(region) and text in region.group(1)


def test_the_whole_checklist_saves_in_one_form_with_each_select_named_by_its_document(staff_cr_client, process_cr):
    case_url = reverse("cases:case-detail", args=[process_cr.case_id])
    html = staff_cr_client.get(case_url).content.decode()
    items = list(process_cr.checklist.all())
    assert html.count(f'action="{reverse("cases:checklist-save", args=[process_cr.pk])}"') == 1
    for item in items:
        assert re.search(rf'<label for="status-{item.pk}"[^>]*>{item.name}</label>', html)
        assert f'<select name="status-{item.pk}" id="status-{item.pk}"' in html

    response = staff_cr_client.post(
        reverse("cases:checklist-save", args=[process_cr.pk]), {f"status-{i.pk}": "received" for i in items}
    )

    assert {i.status for i in process_cr.checklist.all()} == {ChecklistStatus.RECEIVED}
    assert response["Location"] == f"{case_url}#checklist-{process_cr.pk}"
    html, fragment = _follow(staff_cr_client, response)
    assert 'tabindex="-1"' in _focus_target(html, fragment)
    assert _announces(html, "Checklist saved.")


def test_a_refused_document_saves_none_of_the_checklist(staff_cr_client, process_cr):
    first, second = list(process_cr.checklist.all())[:2]
    response = staff_cr_client.post(
        reverse("cases:checklist-save", args=[process_cr.pk]),
        {f"status-{first.pk}": "received", f"status-{second.pk}": "not-a-status"},
    )
    html, fragment = _follow(staff_cr_client, response)
    assert fragment == f"checklist-{process_cr.pk}"
    assert "Choose a status." in html
    first.refresh_from_db()
    assert first.status == ChecklistStatus.MISSING


def test_another_process_documents_are_not_touched_by_the_form(staff_cr_client, process_cr, window_cr, staff_cr):
    from tests.cases.factories import make_case

    other = services.start_process(case=make_case(window_cr, staff_cr), pathway=process_cr.pathway, by=staff_cr)
    stranger = other.checklist.first()
    staff_cr_client.post(reverse("cases:checklist-save", args=[process_cr.pk]), {f"status-{stranger.pk}": "received"})
    stranger.refresh_from_db()
    assert stranger.status == ChecklistStatus.MISSING


@pytest.fixture
def consenting_case(process_cr, staff_cr):
    services.record_consent(person=process_cr.case.person, kinds=["share_partners"], notice_language="es", by=staff_cr)
    return process_cr.case


@pytest.mark.parametrize(
    ("name", "on", "data", "section", "message"),
    [
        (
            "cases:appointment-create",
            "process",
            lambda w: {"at": f"{SOON}T09:00", "place": "DGME", "purpose": "Biometría"},
            "appointments-{process}",
            "The appointment was booked.",
        ),
        (
            "cases:followup-create",
            "case",
            lambda w: {"due_on": SOON, "assigned_to": w["staff"].pk, "note": "Llamar"},
            "follow-ups",
            "The follow-up was planned.",
        ),
        (
            "cases:referral-create",
            "case",
            lambda w: {"partner": w["partner"].pk, "service": "health"},
            "referrals",
            "The referral was sent.",
        ),
        ("cases:process-move", "process", lambda w: {"to": "withdrawn"}, "process-{process}", "Stage changed."),
        ("cases:case-edit", "case", lambda w: {"needs": ["legal"], "notes": ""}, "case", "Changes saved."),
    ],
)
def test_each_save_returns_to_the_section_it_changed_and_says_so(
    staff_cr_client, consenting_case, staff_cr, cr, name, on, data, section, message
):
    process = consenting_case.processes.get()
    world = {"staff": staff_cr, "partner": PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)}
    target = process if on == "process" else consenting_case
    response = staff_cr_client.post(reverse(name, args=[target.pk]), data(world))
    html, fragment = _follow(staff_cr_client, response)
    assert fragment == section.format(process=process.pk)
    assert 'tabindex="-1"' in _focus_target(html, fragment)
    assert _announces(html, message)


def test_links_to_a_form_land_on_its_title_so_the_next_tab_is_the_first_field(staff_cr_client, process_cr):
    html = staff_cr_client.get(reverse("cases:case-detail", args=[process_cr.case_id])).content.decode()
    link = f"{reverse('cases:appointment-create', args=[process_cr.pk])}#form-start"
    assert f'href="{link}"' in html
    form = staff_cr_client.get(link.partition("#")[0]).content.decode()
    title = _focus_target(form, "form-start")
    assert title.startswith("<h1") and 'tabindex="-1"' in title
    after_title = form[form.index(title) :]
    assert re.search(r"<(input|select|textarea|a|button)\b", after_title).group(0) != "<a"


def test_a_refused_form_opens_with_an_error_summary_linked_to_its_fields(staff_cr_client, process_cr):
    url = reverse("cases:appointment-create", args=[process_cr.pk])
    response = staff_cr_client.post(url, {"at": "", "place": "", "purpose": "Biometría"})
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div [^>]*id="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    opening = summary.group(0)[: summary.group(0).index(">") + 1]
    assert 'role="alert"' in opening and 'tabindex="-1"' in opening and "data-focus" in opening
    for field in ("at", "place"):
        assert f'href="#id_{field}"' in summary.group(1)
        assert f'id="id_{field}"' in html
    # it comes before the form, and what was typed is kept
    assert html.index('id="error-summary"') < html.index('id="id_at"')
    assert 'value="Biometría"' in html


def test_after_a_consultation_is_logged_focus_is_on_the_first_field_of_the_next(staff_cr_client, window_cr):
    url = reverse("cases:consultation-create")
    response = staff_cr_client.post(
        url,
        {
            "window": window_cr.pk,
            "date": "2026-01-05",
            "channel": "walk_in",
            "topics": ["health"],
            "sex": "female",
            "age_group": "18-29",
        },
    )
    html, fragment = _follow(staff_cr_client, response)
    field = _focus_target(html, fragment)
    assert field.startswith(("<select", "<input"))
    first_field = re.search(r'<(select|input)\b(?![^>]*type="hidden")[^>]*>', html[html.index("<form") :]).group(0)
    assert first_field == field
    assert _announces(html, "Consultation logged.")


def test_one_visible_focus_style_covers_fields_buttons_and_tabs_with_3_to_1_contrast():
    css = (Path(settings.BASE_DIR) / "static/portal/portal.css").read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    ring = next(body for selectors, body in rules if ".form-control:focus" in selectors)
    selectors = next(sel for sel, body in rules if body == ring)
    for needed in (".form-select:focus", ".btn:focus-visible", ".nav-link:focus-visible", ":focus-visible"):
        assert needed in selectors
    assert "box-shadow: none" in ring  # Bootstrap's pale glow is replaced, not layered under
    colour = re.search(r"outline:\s*3px solid (#[0-9a-fA-F]{6})", ring).group(1)

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.05) / (luminance(colour) + 0.05) >= 3


def test_staff_pages_load_the_focus_script_from_a_file_and_no_inline_script(staff_cr_client, process_cr):
    html = staff_cr_client.get(reverse("cases:case-detail", args=[process_cr.case_id])).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)
    assert any("portal/staff.js" in tag for tag in scripts)
    assert " style=" not in html


def test_logout_is_in_the_header(staff_cr_client):
    html = staff_cr_client.get(reverse("cases:tasks")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert f'action="{reverse("logout")}"' in header and "Log out (staff_cr)" in header


def test_appointment_place_and_purpose_are_shown_apart(staff_cr_client, process_cr, staff_cr):
    from datetime import datetime, timedelta

    from django.utils import timezone

    at = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time()))
    services.book_appointment(process=process_cr, by=staff_cr, at=at, place="DGME La Uruca", purpose="Biometría")
    html = staff_cr_client.get(reverse("cases:case-detail", args=[process_cr.case_id])).content.decode()
    assert "Place: DGME La Uruca · Purpose: Biometría" in html


def test_the_consent_table_says_withdrawn_as_a_consent_not_as_a_process_stage(staff_cr_client, person_cr):
    with translation.override("es"):
        url = reverse("cases:person-detail", args=[person_cr.pk])
    html = staff_cr_client.get(url).content.decode()
    assert '<th scope="col">Retirado</th>' in html
    assert "Desistida" not in html


def test_the_staff_home_says_no_window_in_the_gender_of_ventanilla(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="nobody"))
    with translation.override("es"):
        html = client.get(reverse("staff-home")).content.decode()
    table = html[html.index("Ventanillas que puede ver") :]
    assert "Ninguna." in table and "Ninguno" not in table
