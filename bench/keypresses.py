"""Key presses of the window clerk's journeys on the case pages, keyboard only (not a test; not run in CI).

    .venv/bin/python -m pytest bench/keypresses.py -q -s

Each journey is played on the pages the portal really renders (Django test client, SQLite) and counted as a
sighted keyboard user would press: Tab to reach a control (one stop per link, button, field and per radio
group, in document order, from the top of the page or from the element a URL fragment lands on), arrow keys
to change a select, Enter to follow a link or submit. Characters typed into fields are not counted: they are
the same whatever the page does. Every journey ends when focus is back where the clerk continues: the
section the save changed (before the fragment redirects that meant Tab from the top of the page to it).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


class Stops(HTMLParser):
    """The tab stops of a page in order, and the position of every element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.stops: list[dict] = []
        self.ids: dict[str, int] = {}
        self.radio_groups: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        if "id" in a:
            self.ids[a["id"]] = len(self.stops)
        if "disabled" in a or a.get("tabindex") == "-1":
            return
        if tag == "input" and a.get("type") == "hidden":
            return
        if tag == "a" and "href" not in a:
            return
        if tag == "input" and a.get("type") == "radio":
            if a.get("name") in self.radio_groups:
                return
            self.radio_groups.add(a.get("name"))
        if tag in FOCUSABLE or a.get("tabindex", "-1") != "-1":
            self.stops.append(a)


def tabs(html: str, match, start: str = "") -> int:
    """Tab presses from the top of the page (or the element ``start`` names) to the first stop ``match``."""
    page = Stops()
    page.feed(html)
    first = page.ids.get(start, 0) if start else 0
    for index, stop in enumerate(page.stops[first:], start=1):
        if match(stop):
            return index
    raise AssertionError("no such control on the page")


def by(tag: str, **attrs):
    return lambda s: s["_tag"] == tag and all(s.get(k.rstrip("_")) == v for k, v in attrs.items())


def href(url: str):
    return lambda s: s["_tag"] == "a" and urlsplit(s.get("href", "")).path == url


class Journey:
    def __init__(self, client):
        self.client, self.presses = client, 0

    def get(self, url: str) -> tuple[str, str]:
        path, _, fragment = url.partition("#")
        return self.client.get(path).content.decode(), fragment

    def post(self, url: str, data: dict) -> tuple[str, str]:
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        return self.get(response["Location"])


@pytest.fixture
def clerk(staff_cr_client):
    return Journey(staff_cr_client)


def _land(journey, html, fragment, section_match):
    """After a save: Tab presses from where the page left focus to the changed section."""
    journey.presses += tabs(html, section_match, fragment) if not fragment else 0


def test_three_checklist_documents(clerk, process_cr):
    case_url = process_cr.case.get_absolute_url()
    html, fragment = clerk.get(case_url)
    items = list(process_cr.checklist.all())
    if f'action="{reverse("cases:checklist-update", args=[items[0].pk])}"' in html:
        for item in items:  # one select and one Save per document
            clerk.presses += tabs(html, by("select", id=f"status-{item.pk}"), fragment) + 1 + 1 + 1
            html, fragment = clerk.post(reverse("cases:checklist-update", args=[item.pk]), {"status": "received"})
            _land(clerk, html, fragment, by("select", id=f"status-{item.pk}"))
    else:  # the whole checklist in one form
        clerk.presses += tabs(html, by("select", id=f"status-{items[0].pk}"), fragment) + 1
        clerk.presses += 2 * (1 + 1) + 1 + 1  # Tab, arrow for the next two; Tab to Save, Enter
        data = {f"status-{i.pk}": "received" for i in items}
        html, fragment = clerk.post(reverse("cases:checklist-save", args=[process_cr.pk]), data)
        _land(clerk, html, fragment, by("select", id=f"status-{items[0].pk}"))
    print(f"\nthree checklist documents: {clerk.presses} key presses")


def _form_journey(clerk, case_url, link_url, fields: int, data: dict, section_match):
    html, fragment = clerk.get(case_url)
    clerk.presses += tabs(html, href(link_url), fragment) + 1  # to the link, Enter
    link = next(s["href"] for s in _stops(html) if s["_tag"] == "a" and urlsplit(s["href"]).path == link_url)
    html, fragment = clerk.get(link)
    clerk.presses += tabs(html, lambda s: s["_tag"] in ("input", "select", "textarea"), fragment)
    clerk.presses += (fields - 1) + 1 + 1  # Tab between the fields, Tab to Save, Enter
    html, fragment = clerk.post(link_url, data)
    _land(clerk, html, fragment, section_match)


def _stops(html):
    page = Stops()
    page.feed(html)
    return page.stops


def test_an_appointment(clerk, process_cr):
    case_url = process_cr.case.get_absolute_url()
    url = reverse("cases:appointment-create", args=[process_cr.pk])
    _form_journey(
        clerk,
        case_url,
        url,
        3,
        {"at": "2030-01-10T09:00", "place": "DGME", "purpose": "Biometría"},
        href(reverse("cases:appointment-create", args=[process_cr.pk])),
    )
    print(f"\nan appointment: {clerk.presses} key presses")


def test_a_referral(clerk, process_cr, staff_cr, cr):
    from cases import services
    from ventanillas.models import PartnerOrganisation

    case = process_cr.case
    services.record_consent(person=case.person, kinds=["share_partners"], notice_language="es", by=staff_cr)
    partner = PartnerOrganisation.objects.create(name="Cruz Roja Costarricense", country=cr, email="p@example.org")
    url = reverse("cases:referral-create", args=[case.pk])
    _form_journey(clerk, case.get_absolute_url(), url, 2, {"partner": partner.pk, "service": "health"}, href(url))
    print(f"\na referral: {clerk.presses} key presses")


def test_a_follow_up(clerk, process_cr, staff_cr):
    case = process_cr.case
    url = reverse("cases:followup-create", args=[case.pk])
    data = {"due_on": "2030-01-10", "assigned_to": staff_cr.pk, "note": "Llamar"}
    _form_journey(clerk, case.get_absolute_url(), url, 3, data, href(url))
    print(f"\na follow-up: {clerk.presses} key presses")
