"""A file handed from Tegucigalpa to Guatemala City with the person's consent, in Chromium: the clerk there (in
Spanish) accepts after a search that finds no duplicate and continues the process; the person's status check
shows the new window with a new PIN; the region counts the person once; the person withdraws consent and the
Guatemalan window sees it."""

from __future__ import annotations

import re

from .conftest import DESKTOP, shot

SETUP = r"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases import services
from cases.models import RegularizationPathway
from statuscheck import services as status
from ventanillas.demo import DEMO_PASSWORD, DEMO_TOTP_KEY
from ventanillas.models import InformationWindow, Membership, Role

def clerk(username, slug):
    user, _new = get_user_model().objects.get_or_create(username=username)
    user.set_password(DEMO_PASSWORD); user.save()
    TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
    window = InformationWindow.objects.get(slug=slug)
    Membership.objects.get_or_create(user=user, role=Role.WINDOW_STAFF, window=window, country=window.country)
    return user, window

SURNAME = "".join(chr(97 + int(c, 16) % 26) for c in __import__("uuid").uuid4().hex[:10]).capitalize()
teg, window = clerk("clerk-teg", "tegucigalpa")
_gua, window_gua = clerk("clerk-gua", "guatemala-ciudad")
person, _new = services.create_person(window=window, by=teg, consents=["processing"], data={
    "given_names": "Yessenia Marisol", "family_names": "Traspaso " + SURNAME, "date_of_birth": __import__("datetime").date(1980 + len(SURNAME) + ord(SURNAME[1]) % 20, 1 + ord(SURNAME[2]) % 12, 1 + ord(SURNAME[3]) % 28),
    "sex": "female", "document_type": "passport", "preferred_language": "es"})
case, _new = services.open_case(person=person, window=window, by=teg, needs=["regularization"], notes="Nota privada Hnsecret")
pathway = RegularizationPathway.objects.filter(country=window.country).first()
process = services.start_process(case=case, pathway=pathway, by=teg)
access, pin = status.issue_pin(process=process, by=teg)
print(case.pk, access.reference, pin, window_gua.pk, SURNAME)
"""

REGION_PEOPLE = r"""
from dashboards import rollups
from dashboards.models import UniqueFact
from handovers.models import Handover
rollups.rebuild()
h = Handover.objects.get(pk={pk})
rows = UniqueFact.objects.filter(indicator="people_assisted", dimension="")
countries = rows.filter(subject=h.person_id).values_list("country_id", flat=True).distinct().count()
print(h.person_id != h.received_person_id, countries, rows.filter(subject=h.received_person_id).count())
"""


def test_a_file_goes_from_tegucigalpa_to_guatemala_city_and_the_person_keeps_one_reference(
    new_context, staff_state, django
):
    case_pk, reference, old_pin, window_gua, surname = django(SETUP).split()

    # Tegucigalpa: the clerk hands the file over, with the consent given at the window.
    teg = new_context(DESKTOP, storage_state=staff_state("clerk-teg")).new_page()
    teg.goto(f"/es/staff/cases/{case_pk}/")
    teg.click("text=Traspasar el expediente a otro país")
    teg.select_option("select[name=to_country]", label="Guatemala")
    teg.select_option("select[name=to_window]", value=window_gua)
    for part in ("identity", "documents", "history"):
        teg.check(f"input[name=parts][value={part}]")
    teg.check("input[name=consent_method][value=at_window]")
    shot(teg, "handover-1-start")
    teg.click("main form button[type=submit]")
    assert re.search(r"/es/staff/handovers/\d+/(#.*)?$", teg.url)
    handover_pk = re.search(r"/handovers/(\d+)/", teg.url).group(1)

    # Guatemala City, in Spanish: the summary in the clerk's language, the sender's notes never shown.
    gua = new_context(DESKTOP, storage_state=staff_state("clerk-gua")).new_page()
    gua.goto("/es/staff/handovers/")
    gua.click(f"a[href='/es/staff/handovers/{handover_pk}/']")
    text = gua.inner_text("main")
    assert f"Yessenia Marisol Traspaso {surname}" in text and "Pasaporte" in text and "En preparación" in text
    assert "Hnsecret" not in gua.content()
    shot(gua, "handover-2-received")
    gua.click("text=Aceptar: buscar primero entre sus personas")
    assert "Ninguna coincidencia probable entre sus personas." in gua.inner_text("main")
    gua.check("input[name=person][value=new]")
    gua.click("main form button[type=submit]")
    assert re.search(r"/es/staff/cases/\d+/(#.*)?$", gua.url), "the new case opens at the Guatemalan window"
    new_case = gua.url
    gua.click("text=Iniciar un trámite de regularización")
    gua.locator("main form select").first.select_option(index=1)
    gua.click("main form button[type=submit]")
    gua.goto(f"/es/staff/handovers/{handover_pk}/")
    gua.click("text=Trasladar aquí la consulta de estado")
    gua.click("main form button[type=submit]")  # issue a new PIN for the reference that followed the person
    slip = gua.inner_text("main")
    new_pin = re.search(r"PIN\s*(\d{6})", slip).group(1)
    assert reference[:4] in slip
    shot(gua, "handover-3-new-slip")

    # The person: the old PIN no longer works, the new one shows the Guatemalan window.
    person = new_context(DESKTOP).new_page()
    for pin, shown in ((old_pin, False), (new_pin, True)):
        person.goto("/es/status/")
        person.fill("input[name=reference]", reference)
        person.fill("input[name=pin]", pin)
        person.locator("main form button[type=submit]").first.click()
        assert ("Ventanilla" in person.inner_text("main") and "Guatemala" in person.inner_text("main")) is shown
    shot(person, "handover-4-status")

    # The region counts the person once: two records (one per country), one subject in both countries' people
    # counts, none under the new record.
    two_records, countries, under_new = django(REGION_PEOPLE.replace("{pk}", handover_pk)).split()
    assert two_records == "True" and countries == "2" and under_new == "0"

    # The person withdraws consent at the Tegucigalpa window; Guatemala City sees it.
    teg.goto(f"/es/staff/handovers/{handover_pk}/")
    teg.click("text=La persona retira su consentimiento")
    gua.goto(f"/es/staff/handovers/{handover_pk}/")
    assert "La persona retiró su consentimiento el" in gua.inner_text("main")
    assert "Yessenia" not in gua.inner_text("main section")
    gua.goto(new_case)
    assert "Consentimiento retirado el" in gua.inner_text("main")
    shot(gua, "handover-5-withdrawn")
