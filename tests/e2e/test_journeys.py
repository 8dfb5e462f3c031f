"""The journeys of the people the portal serves, in Chromium, each step saved as a screenshot (e2e-artifacts/)."""

from __future__ import annotations

import csv
import io
import re
import uuid

from .conftest import DESKTOP, PHONE, login, shot

OVERFLOW = (
    "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth"
)


def _text(page) -> str:
    return " ".join(page.inner_text("main").split())


# --- a migrant, on a phone ---------------------------------------------------------------------------------


def test_migrant_reads_a_dominican_guide_in_kreyol_and_finds_the_windows(new_context, demo):
    page = new_context(PHONE).new_page()
    page.goto("/ht/do/")
    assert page.get_attribute("html", "lang") == "ht"
    shot(page, "migrant-1-country-home")

    page.click(f"main a[href='/ht/do/guides/{demo['guide_do']}/']")
    assert page.url.endswith(f"/ht/do/guides/{demo['guide_do']}/")
    assert page.locator("main .lang-notice").count() == 0, "the guide is translated: no fallback notice"
    title = page.inner_text("main h1").strip()
    assert title and page.evaluate(OVERFLOW) <= 0
    shot(page, "migrant-2-guide")

    page.click("a[href='/ht/do/windows/']")
    assert page.url.endswith("/ht/do/windows/")
    cards = page.locator("section.window-card")
    assert cards.count() >= 1
    for index in range(cards.count()):
        card = cards.nth(index)
        assert card.locator("a[href^='mailto:']").count() == 1, "each window gives an e-mail address"
        assert card.locator("table.hours tbody tr").count() == 7, "the hours of each day of the week"
        assert card.locator(".status-open, .status-closed").count() == 1, "open now or when it opens"
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, "migrant-3-windows")


# --- a country officer --------------------------------------------------------------------------------------


def test_country_officer_changes_the_period_and_exports_a_table(new_context, staff_state):
    page = new_context(DESKTOP, storage_state=staff_state("officer-cr"), accept_downloads=True).new_page()
    page.goto("/es/staff/dashboards/cr/")
    shot(page, "officer-1-dashboard")
    first_period = page.inner_text("main h2").strip()

    page.select_option("select[name=period]", "year")
    page.click("main form button[type=submit]")
    assert "period=year" in page.url
    year_period = page.inner_text("main h2").strip()
    assert year_period != first_period, "the dashboard now shows the year"
    shot(page, "officer-2-year")

    link = page.locator("main a[href*='/export/'][href*='.csv']").first
    assert "period=year" in link.get_attribute("href"), "the export is of the period shown"
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    content = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) >= 2 and len(rows[0]) >= 2, "a header and figures"
    assert download.suggested_filename.endswith(".csv")


# --- an official who enrols in a full session ----------------------------------------------------------------

FULL_SESSION = r"""
import datetime as dt
from django.utils import timezone
from training.messages import enrolment_token
from training.models import Course, Session
from training.services import ParticipantData, enrol_verified
from ventanillas.models import Country

cr = Country.objects.get(code="CR")
course = Course.objects.filter(published=True).order_by("pk").first()
start = timezone.localdate() + dt.timedelta(days=30)
while start.weekday() >= 5:
    start += dt.timedelta(days=1)
session = Session.objects.create(course=course, country=cr, starts_on=start, ends_on=start,
                                 venue="Sala de pruebas (muestra)", capacity=1)
enrolment, _ = enrol_verified(session=session, data=ParticipantData(
    email=f"seat-holder-{session.pk}@example.org", name="Ana Mora", sector="government", sex="female",
    country_id=cr.pk, language="es"))
print(session.pk, enrolment_token(enrolment), enrolment.status)
"""


def _link(messages: list[str]) -> str:
    links = re.findall(r"https?://[^\s]+/training/e/[^\s/]+/", messages[-1])
    assert links, messages[-1]
    return re.sub(r"^https?://[^/]+", "", links[0])


def test_official_is_waitlisted_then_offered_the_seat_another_frees(new_context, django, mailbox):
    session, holder_token, holder_status = django(FULL_SESSION).split()
    assert holder_status == "confirmed"
    email = f"official-{uuid.uuid4().hex[:8]}@example.org"
    page = new_context(DESKTOP).new_page()
    page.goto(f"/en/training/sessions/{session}/")
    assert "waitlist" in _text(page).lower(), "the page says the session is full"
    page.fill("input[name=name]", "Jean Baptiste")
    page.fill("input[name=email]", email)
    page.select_option("select[name=sector]", "government")
    page.select_option("select[name=country]", label="Costa Rica")
    page.select_option("select[name=sex]", "male")
    page.check("input[name=consent]")
    shot(page, "official-1-enrol")
    page.click("main form [type=submit][name=enrol]")
    assert "/training/enrolment-sent/" in page.url

    page.goto(_link(mailbox(email)))  # the link in the e-mail the official receives
    page.click("main form button:has-text('Confirm')")
    assert "You are on the waitlist" in _text(page)
    shot(page, "official-2-waitlisted")

    other = new_context(DESKTOP).new_page()  # the participant holding the seat cancels from their own page
    other.goto(f"/es/training/e/{holder_token}/")
    other.click("main form button.btn-outline-danger")
    assert other.locator("main form button.btn-outline-danger").count() == 0, "nothing left to cancel"

    page.goto(_link(mailbox(email)))  # the new e-mail: a seat is offered
    assert "A seat is offered to you until" in _text(page)
    shot(page, "official-3-offered")
    page.click("main form button:has-text('Accept the seat')")
    assert "Confirmed" in _text(page)
    shot(page, "official-4-confirmed")


# --- a trainer ---------------------------------------------------------------------------------------------

PAST_SESSION = r"""
import datetime as dt
from django.contrib.auth import get_user_model
from training.models import Course, Session
from training.services import ParticipantData, enrol_verified
from ventanillas.models import Country

cr = Country.objects.get(code="CR")
course = Course.objects.filter(published=True, country=cr).order_by("pk").first() or Course.objects.first()
start = dt.date.today() + dt.timedelta(days=10)
while start.weekday() >= 5:
    start += dt.timedelta(days=1)
session = Session.objects.create(course=course, country=cr, starts_on=start, ends_on=start,
                                 venue="Sala de pruebas (muestra)", capacity=5)
session.trainers.add(get_user_model().objects.get(username="trainer"))
for i in range(2):
    enrol_verified(session=session, data=ParticipantData(
        email=f"trainee-{session.pk}-{i}@example.org", name=f"Participante {i}", sector="civil_society",
        sex="female", country_id=cr.pk, language="es"))
day = session.local_today() - dt.timedelta(days=1)
while day.weekday() >= 5:
    day -= dt.timedelta(days=1)
Session.objects.filter(pk=session.pk).update(starts_on=day, ends_on=day, meeting_days=[day.isoformat()])
print(session.pk)
"""


def test_trainer_marks_attendance_and_the_certificate_checks_valid(new_context, staff_state, django):
    session = django(PAST_SESSION)
    page = new_context(DESKTOP, storage_state=staff_state("trainer")).new_page()
    page.goto(f"/es/training/staff/sessions/{session}/")
    shot(page, "trainer-1-session")
    page.click(f"main a[href*='/training/staff/sessions/{session}/attendance/']")
    marks = page.locator("main input[type=radio][value=present]")
    assert marks.count() == 2
    for index in range(marks.count()):
        marks.nth(index).check()
    shot(page, "trainer-2-attendance")
    page.click("main form [type=submit]")
    page.goto(f"/es/training/staff/sessions/{session}/")
    page.click(f"main a[href$='/training/staff/sessions/{session}/finalise/']")  # a page to confirm
    page.click("main form [type=submit]")
    page.goto(f"/es/training/staff/sessions/{session}/")
    codes = page.locator("main table a[href*='/certificates/'][href$='certificate.pdf']")
    assert codes.count() == 2, "both participants completed and got a certificate"
    code = codes.first.inner_text().strip()
    shot(page, "trainer-3-certificates")

    public = new_context(PHONE).new_page()
    public.goto("/fr/training/verify/")
    public.fill("input[name=code]", code.lower())
    public.click("main form [type=submit]")
    assert public.locator("main .alert-success").count() == 1, "the certificate is valid"
    assert code in _text(public)
    shot(public, "trainer-4-certificate-valid")


# --- content editors: four eyes ----------------------------------------------------------------------------

# A Haitian guide other than the one the page-kind checks keep a draft of (pages.py takes the first).
LAST_HT_GUIDE = """
from hub.models import Guide
print(Guide.objects.filter(country__code="HT").exclude(title_ht="").order_by("-pk").values_list("slug", flat=True)[0])
"""


def test_an_editors_revision_goes_live_when_a_second_editor_publishes_it(new_context, staff_state, django):
    slug = django(LAST_HT_GUIDE)
    title = f"Gid mete ajou {uuid.uuid4().hex[:6]}"
    writer = new_context(DESKTOP, storage_state=staff_state("editor-ht")).new_page()
    writer.goto(f"/ht/ht/editor/guides/{slug}/ht/edit/")
    writer.fill("main input[name=title]", title)
    writer.click("main button[name=submit]")
    assert "/editor/revisions/" in writer.url
    revision_url = writer.url
    # The writer is told who publishes, and has no button to publish alone what nobody else has read.
    assert writer.locator("main .alert-info").count() == 1
    assert writer.locator("main form[action$='/publish/'] button.btn-success").count() == 0
    shot(writer, "editor-1-sent-for-review")

    reader = new_context(PHONE).new_page()
    reader.goto(f"/ht/ht/guides/{slug}/")
    assert title not in _text(reader), "nothing is live before a second editor has read it"

    publisher = new_context(DESKTOP, storage_state=staff_state("editor-ht-2")).new_page()
    publisher.goto(revision_url)
    assert title in _text(publisher)
    shot(publisher, "editor-2-review")
    with publisher.expect_navigation():
        publisher.click("main form[action$='/publish/'] button")
    # The status region is filled again once the page is read (staff.js), so wait for it.
    publisher.locator("#messages .alert-success").wait_for()

    reader.goto(f"/ht/ht/guides/{slug}/")
    assert reader.locator("main h1").inner_text().strip() == title
    shot(reader, "editor-3-published")

    history = publisher.context.new_page()
    history.goto(f"/ht/ht/editor/guides/{slug}/history/")
    assert "editor-ht-2" in _text(history), "the history names who published"


def test_staff_login_is_in_kreyol(new_context):
    """The login form speaks Kreyòl, its error too (Django's own strings fall back to Spanish otherwise)."""
    page = new_context(PHONE).new_page()
    page.goto("/ht/accounts/login/")
    assert "Nombre de usuario" not in _text(page)
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong-password")
    page.click("main form button[type=submit]")
    text = _text(page)
    assert "non itilizatè" in text.lower()
    assert "nombre de usuario" not in text.lower()
    shot(page, "login-ht-error")


def test_login_helper_reaches_the_staff_area(new_context):
    page = new_context(DESKTOP).new_page()
    login(page, "staff-cr")
    assert "/staff/" in page.url


# --- a clerk at a window, by keyboard only -------------------------------------------------------------------


class Keyboard:
    """Drives a page with the keyboard alone and counts the key presses (Tab, Enter, arrows, each letter)."""

    def __init__(self, page):
        self.page = page
        self.presses = 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.presses += len(text)

    def focused(self, selector: str) -> bool:
        return self.page.locator(selector).evaluate_all("elements => elements.includes(document.activeElement)")

    def tab_to(self, selector: str, limit: int = 80) -> None:
        """Tab forward until the element is focused (a page whose order hides it fails here)."""
        for _ in range(limit):
            if self.focused(selector):
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reaches {selector} on {self.page.url}")

    def activate(self, selector: str) -> None:
        """Tab to a link or button and press Enter, waiting for the page it opens."""
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.press("Enter")

    def choose(self, selector: str, label: str) -> None:
        """Tab to a select and move through its options with the arrow keys until ``label`` is chosen."""
        self.tab_to(selector)
        self.press("Home")
        for _ in range(40):
            if self.page.evaluate("() => document.activeElement.selectedOptions[0].text.trim()") == label:
                return
            self.press("ArrowDown")
        raise AssertionError(f"no option {label!r} in {selector}")


# A clerk's whole walk, from a consultation to an approved permit, fits in this many key presses (measured
# 377; the margin allows a field or two more, not a page whose focus order sends the keyboard astray).
KEY_BUDGET = 450


def test_clerk_logs_a_consultation_and_walks_a_case_to_approved_by_keyboard(new_context, staff_state):
    page = new_context(DESKTOP, storage_state=staff_state("staff-cr")).new_page()
    keys = Keyboard(page)
    page.goto("/es/staff/cases/consultations/new/")

    keys.tab_to("input[name=topics]")
    keys.press("Space")
    keys.activate("main form button.btn-primary")
    page.get_by_text("Consulta registrada").wait_for()  # the message is announced a moment after the load
    shot(page, "clerk-1-consultation-logged")

    keys.activate("main a[href='/es/staff/cases/consultations/']")
    keys.activate("main a[href$='/case/']")  # the newest consultation: open a case
    keys.tab_to("input[name=names]")
    keys.type("Rosa Teclado")
    with page.expect_navigation():
        keys.press("Enter")  # search
    keys.activate("main form button.btn-success")  # none of these: register a new person
    keys.tab_to("input[name=given_names]")
    if not page.input_value("input[name=given_names]"):
        keys.type("Rosa")
    keys.tab_to("input[name=consents]")  # the first: processing of personal data, after reading the notice
    keys.press("Space")
    shot(page, "clerk-2-new-person")
    keys.activate("main form button[type=submit].btn-primary")
    shot(page, "clerk-3-new-case")
    keys.activate("main form button[type=submit].btn-primary")  # open the case as proposed
    assert "/es/staff/cases/" in page.url
    case_url = page.url.split("#")[0]

    keys.activate("main a[href*='/process/']")
    keys.choose("select[name=pathway]", "Reconocimiento de la condición de persona refugiada (CR)")
    keys.activate("main form button[type=submit].btn-primary")
    for select in page.locator("main select[name^=status-]").all():
        keys.choose(f"#{select.get_attribute('id')}", "Recibido")
    keys.activate("main form button:has-text('Guardar la lista')")

    for stage in ("Documentos completos", "Presentada", "En revisión"):
        keys.choose("select[name=to]", stage)
        keys.activate("main form button:has-text('Cambiar la etapa')")
        assert stage in page.inner_text("main section h2")
    keys.choose("select[name=to]", "Aprobada")
    keys.tab_to("input[name=permit_type]")
    keys.type("Residencia temporal")
    keys.activate("main form button:has-text('Cambiar la etapa')")
    assert "Aprobada" in page.inner_text("main section h2")
    assert page.url.split("#")[0] == case_url
    shot(page, "clerk-4-approved")
    print(f"key presses: {keys.presses}")
    assert keys.presses <= KEY_BUDGET, f"{keys.presses} key presses"
