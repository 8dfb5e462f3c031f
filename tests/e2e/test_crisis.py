"""Crisis mode in a real browser: an officer declares a hurricane in two regions of Haiti in Kreyòl and French,
a shelter is marked full from a 360 px phone and a reader's page shows it, a person who gave emergency
consent gets the message once in Kreyòl, and ten arrivals are registered by keyboard."""

from __future__ import annotations

import json

from .conftest import DESKTOP, PHONE, shot

ADDRESS = "rose.crisis@example.org"

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from tests.cases.factories import make_person
from ventanillas.models import Country, InformationWindow
window = InformationWindow.objects.get(country__code="HT", slug="port-au-prince")
by = get_user_model().objects.get(username="admin")
make_person(window, by, given_names="Rose", family_names="Crisis", email="{ADDRESS}", preferred_language="ht",
            consents=("processing", "contact_email", "emergency"))
print(json.dumps({{"ht": Country.objects.get(code="HT").pk}}))
"""


def test_a_hurricane_is_declared_shown_sent_and_arrivals_registered(new_context, staff_state, django, mailbox):
    ids = json.loads(django(SETUP))
    officer = new_context(DESKTOP, storage_state=staff_state("regional")).new_page()
    officer.goto("/ht/staff/emergencies/declare/")
    officer.check(f"input[name=countries][value='{ids['ht']}']")
    officer.select_option("select[name=kind]", "hurricane")
    officer.select_option("select[name=severity]", "Extreme")
    officer.check("input[name=regions][value='Ouest']")
    officer.check("input[name=regions][value='Nord-Est']")
    officer.select_option("select[name=language]", "ht")
    officer.fill("input[name=title]", "Siklòn Beryl: ale nan abri")
    officer.fill("textarea[name=instructions]", "Pa rete bò lanmè. Ale nan abri ki pi pre a.")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url("**/staff/emergencies/*/")
    pk = officer.url.rstrip("/").rsplit("/", 1)[-1]
    officer.goto(f"/ht/staff/emergencies/{pk}/text/fr/")
    officer.fill("input[name=title]", "Ouragan Beryl : rejoignez un abri")
    officer.fill("textarea[name=instructions]", "Éloignez-vous de la mer. Rejoignez l'abri le plus proche.")
    officer.locator("main form button[type=submit]").click()
    officer.goto(f"/ht/staff/emergencies/{pk}/points/new/")
    officer.select_option("select[name=kind]", "shelter")
    officer.fill("input[name=name]", "Abri Delmas 33")
    officer.fill("input[name=address]", "Delmas 33, Pòtoprens")
    officer.fill("input[name=capacity]", "200")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(f"**/staff/emergencies/{pk}/")

    reader = new_context(PHONE).new_page()
    reader.goto(f"/ht/ht/emergencies/{pk}/")
    assert reader.locator("h1").inner_text() == "Siklòn Beryl: ale nan abri"
    assert reader.locator("li.open").count() == 1
    reader.goto(f"/fr/ht/emergencies/{pk}/")
    assert reader.locator("h1").inner_text() == "Ouragan Beryl : rejoignez un abri"
    reader.goto("/ht/ht/")
    assert reader.locator(f"a[href='/ht/ht/emergencies/{pk}/']").count() == 1  # the banner

    # A clerk's phone: open the emergency's page, tap "Full" on the shelter.
    clerk = new_context(PHONE, storage_state=staff_state("regional")).new_page()
    clerk.goto(f"/ht/staff/emergencies/{pk}/")
    with clerk.expect_navigation():
        clerk.locator("form[id^=point-] button[name=state][value=full]").first.tap()
    shot(clerk, "crisis-clerk-phone")
    reader.goto(f"/ht/ht/emergencies/{pk}/")
    assert reader.locator("li.full").count() == 1 and reader.locator("li.open").count() == 0
    shot(reader, "crisis-reader-phone")

    # The message to the people who asked for emergency messages: once, in Kreyòl.
    officer.goto(f"/ht/staff/emergencies/{pk}/")
    with officer.expect_navigation():
        officer.locator("form[action$='/broadcast/'] button").click()
    received = []
    for _attempt in range(10):  # sent in the request's own process, once it commits
        # (ASCII words only: the mailbox reads the file's 8-bit body back loosely)
        received = [body for body in mailbox(ADDRESS) if "Beryl" in body]
        if received:
            break
        officer.wait_for_timeout(500)
    assert len(received) == 1
    assert "ale nan abri" in received[0] and "rejoignez" not in received[0]  # in Kreyol, not in French

    # Ten arrivals at the shelter, by keyboard only: the size, then Enter.
    point = django(
        f"from emergencies.models import ServicePoint; print(ServicePoint.objects.get(emergency_id={pk}).pk)"
    )
    clerk.goto(f"/ht/staff/emergencies/points/{point}/arrivals/")
    for number in range(10):
        clerk.keyboard.type(str(number % 4 + 1))
        with clerk.expect_navigation():
            clerk.keyboard.press("Enter")
    count = django(f"from emergencies.models import Arrival; print(Arrival.objects.filter(point_id={point}).count())")
    assert count == "10"
