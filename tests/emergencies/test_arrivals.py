"""Surge registration at a service point, and families looking for each other (staff only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from cases.models import AuditEntry, Consultation
from emergencies.models import Arrival, LookingFor
from tests.factories import Role, UserFactory, WindowFactory, country, member

from .factories import declare, shelter

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    ht = country("HT")
    window = WindowFactory(country=ht, region="Ouest", slug="pap")
    emergency = declare(ht)
    point = shelter(emergency, emergency.declared_by)
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=window)
    client = Client()
    client.force_login(clerk)
    return emergency, point, client


def test_a_clerk_registers_ten_households_one_after_the_other(setting):
    _emergency, point, client = setting
    url = f"/ht/staff/emergencies/points/{point.pk}/arrivals/"
    form = client.get(url).content.decode()
    assert "autofocus" in form  # the cursor starts in the first field: typing begins at once
    for number in range(10):
        data = {
            "household_size": str(number % 5 + 1),
            "language": "ht",
            "needs": ["shelter", "food"],
            "came_from": "HT",
        }
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == url
    assert Arrival.objects.count() == 10
    assert sum(Arrival.objects.values_list("household_size", flat=True)) == 30
    assert not Consultation.objects.exists()  # counted apart from consultations
    assert "10 households registered here today" in client.get(url.replace("/ht/", "/en/", 1)).content.decode()
    assert AuditEntry.objects.filter(object_type="emergencies.arrival").count() == 10


def test_a_name_or_phone_needs_consent_and_bad_input_keeps_what_was_typed(setting):
    _emergency, point, client = setting
    url = f"/en/staff/emergencies/points/{point.pk}/arrivals/"
    response = client.post(url, {"household_size": "3", "language": "ht", "contact_name": "Jean Baptiste"})
    assert response.status_code == 400
    assert "contact_consent" in response.context["form"].errors
    assert 'value="Jean Baptiste"' in response.content.decode()
    response = client.post(
        url, {"household_size": "0", "language": "ht", "contact_phone": "abc", "contact_consent": "on"}
    )
    errors = response.context["form"].errors
    assert "household_size" in errors and "contact_phone" in errors
    assert not Arrival.objects.exists()
    client.post(url, {"household_size": "3", "language": "ht", "contact_name": "Jean Baptiste",
                      "contact_phone": "3700 1234", "contact_consent": "on"})  # fmt: skip
    arrival = Arrival.objects.get()
    assert arrival.contact_phone == "+50937001234"
    with connection.cursor() as cursor:  # encrypted at rest: the stored column is not the name
        cursor.execute(f"SELECT contact_name, contact_phone FROM {Arrival._meta.db_table}")  # noqa: S608
        stored = " ".join(cursor.fetchone())
    assert "Jean" not in stored and "37001234" not in stored


def test_a_search_finds_the_registration_of_a_relative_who_agreed_to_be_found(setting):
    emergency, point, client = setting
    url = f"/en/staff/emergencies/points/{point.pk}/arrivals/"
    client.post(url, {"household_size": "2", "language": "ht", "contact_name": "Marie-Claude Joseph",
                      "contact_consent": "on"})  # fmt: skip
    client.post(url, {"household_size": "1", "language": "ht", "contact_name": "Pierre Louis", "contact_consent": "on"})
    response = client.post(f"/en/staff/emergencies/{emergency.pk}/looking-for/", {"sought_name": "Marie Claude Josef"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Marie-Claude Joseph" in page and "Pierre Louis" not in page
    assert LookingFor.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="emergencies.lookingfor", action="search").exists()


def test_staff_of_another_country_reach_neither_the_form_nor_the_searches(setting):
    emergency, point, _client = setting
    outsider = UserFactory()
    member(outsider, Role.WINDOW_STAFF, window=WindowFactory(country=country("DO")))
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/es/staff/emergencies/points/{point.pk}/arrivals/").status_code == 404
    assert client.get(f"/es/staff/emergencies/{emergency.pk}/looking-for/").status_code == 404
    # And nothing of it on the public page.
    assert "looking-for" not in Client().get(f"/ht/ht/emergencies/{emergency.pk}/").content.decode()


def test_names_and_phones_go_once_the_emergency_is_over_for_the_countrys_retention_period(setting):
    from datetime import timedelta

    from django.utils import timezone

    from emergencies import services
    from privacy import retention

    emergency, point, client = setting
    url = f"/en/staff/emergencies/points/{point.pk}/arrivals/"
    client.post(url, {"household_size": "4", "language": "ht", "contact_name": "Jean Baptiste",
                      "contact_phone": "3700 1234", "contact_consent": "on"})  # fmt: skip
    services.register_looking_for(emergency=emergency, by=emergency.declared_by, data={"sought_name": "Rose Baptiste"})
    services.end(emergency=emergency, by=emergency.declared_by)
    days = emergency.country.retention_days
    assert retention.run_registered(timezone.now() + timedelta(days=days - 1))["emergency_contacts"] == 0
    assert retention.run_registered(timezone.now() + timedelta(days=days + 1))["emergency_contacts"] == 2
    arrival = Arrival.objects.get()
    assert not arrival.contact_name and not arrival.contact_phone and arrival.name_tokens == []
    assert arrival.household_size == 4  # the count stays for the figures
    assert LookingFor.objects.get().sought_name == ""
    assert retention.run_registered(timezone.now() + timedelta(days=days + 2))["emergency_contacts"] == 0


def test_a_registration_becomes_a_person_record_at_the_window_without_retyping_and_stays_linked(setting):
    from cases.models import Person

    emergency, point, client = setting
    url = f"/en/staff/emergencies/points/{point.pk}/arrivals/"
    client.post(url, {"household_size": "2", "language": "ht", "contact_name": "Marie-Claude Joseph",
                      "contact_phone": "3700 5555", "contact_consent": "on", "came_from": "HT",
                      "vulnerabilities": ["pregnant"]})  # fmt: skip
    arrival = Arrival.objects.get()
    # At the window, the clerk finds the registration by name (a near spelling) ...
    found = client.post(f"/en/staff/emergencies/{emergency.pk}/registrations/", {"name": "Mari Claude Josef"})
    assert f"/en/staff/emergencies/arrivals/{arrival.pk}/person/" in found.content.decode()
    assert AuditEntry.objects.filter(object_type="emergencies.arrival", action="search").exists()
    # ... and the intake form opens filled from it.
    page = client.get(f"/en/staff/emergencies/arrivals/{arrival.pk}/person/")
    form = page.context["form"]
    assert form.initial["given_names"] == "Marie-Claude" and form.initial["family_names"] == "Joseph"
    assert form.initial["phone"] == "+50937005555" and form.initial["preferred_language"] == "ht"
    assert form.initial["vulnerabilities"] == ["pregnant"] and form.initial["nationality"] == "HT"
    data = {name: value for name, value in form.initial.items() if name != "window"}
    data.update(action="create", window=str(form.fields["window"].queryset.first().pk), legal_basis="consent",
                consents=["processing", "contact_phone"], sex="female", gender="unknown", vulnerabilities=["pregnant"])  # fmt: skip
    response = client.post(f"/en/staff/emergencies/arrivals/{arrival.pk}/person/", data)
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    assert (person.given_names, person.family_names, person.phone) == ("Marie-Claude", "Joseph", "+50937005555")
    assert response["Location"] == f"/en/staff/cases/people/{person.pk}/cases/new/"
    arrival.refresh_from_db()
    assert arrival.person == person and arrival.linked_at is not None
    assert AuditEntry.objects.filter(
        object_type="emergencies.arrival", object_id=str(arrival.pk), details__person=person.pk
    ).exists()
    # Linked once: the page now leads to the record, and a second person cannot take it.
    again = client.get(f"/en/staff/emergencies/arrivals/{arrival.pk}/person/")
    assert again.status_code == 302 and again["Location"] == f"/en/staff/cases/people/{person.pk}/"


def test_a_registration_is_linked_to_the_person_the_search_finds(setting):
    from tests.cases.factories import make_person

    emergency, point, client = setting
    window = emergency.country.windows.first()
    staff = UserFactory()
    member(staff, Role.WINDOW_STAFF, window=window)
    known = make_person(window, staff, given_names="Pierre", family_names="Louis", phone="+509 3700 7777",
                        consents=("processing",))  # fmt: skip
    client.post(f"/en/staff/emergencies/points/{point.pk}/arrivals/", {"household_size": "1", "language": "ht",
                "contact_name": "Pierre Louis", "contact_phone": "3700 7777", "contact_consent": "on"})  # fmt: skip
    arrival = Arrival.objects.get()
    page = client.get(f"/en/staff/emergencies/arrivals/{arrival.pk}/person/")
    assert [match.person for match in page.context["candidates"]] == [known]
    response = client.post(
        f"/en/staff/emergencies/arrivals/{arrival.pk}/person/", {"action": "link", "person": known.pk}
    )
    assert response.status_code == 302
    arrival.refresh_from_db()
    assert arrival.person == known


def test_staff_of_another_country_cannot_link_a_registration(setting):
    _emergency, point, client = setting
    client.post(f"/en/staff/emergencies/points/{point.pk}/arrivals/", {"household_size": "1", "language": "ht"})
    arrival = Arrival.objects.get()
    outsider = UserFactory()
    member(outsider, Role.WINDOW_STAFF, window=WindowFactory(country=country("DO")))
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/es/staff/emergencies/arrivals/{arrival.pk}/person/").status_code == 404
