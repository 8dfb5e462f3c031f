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


def test_a_match_opens_a_person_record_at_the_window_without_retyping(setting):
    emergency, point, client = setting
    url = f"/en/staff/emergencies/points/{point.pk}/arrivals/"
    client.post(url, {"household_size": "2", "language": "ht", "contact_name": "Marie-Claude Joseph",
                      "contact_phone": "3700 5555", "contact_consent": "on"})  # fmt: skip
    response = client.post(f"/en/staff/emergencies/{emergency.pk}/looking-for/", {"sought_name": "Marie-Claude Joseph"})
    page = client.get(response["Location"]).content.decode()
    assert 'action="/en/staff/cases/people/new/"' in page and 'name="names" value="Marie-Claude Joseph"' in page
    form = client.post(
        "/en/staff/cases/people/new/", {"prefill": "1", "names": "Marie-Claude Joseph", "phone": "+50937005555"}
    ).content.decode()
    assert 'value="Marie-Claude"' in form and 'value="Joseph"' in form and "+50937005555" in form
