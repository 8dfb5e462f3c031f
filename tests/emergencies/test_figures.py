"""The emergency's figures: registrations, people, needs and messages, through the dashboards' disclosure control."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from dashboards.emergency import emergency_figures
from dashboards.suppression import BASE
from emergencies import services
from tests.factories import Role, UserFactory, WindowFactory, country, member

from .factories import declare, shelter

pytestmark = pytest.mark.django_db


@pytest.fixture
def emergency():
    ht = country("HT")
    window = WindowFactory(country=ht, region="Ouest", slug="pap")
    emergency = declare(ht)
    big = shelter(emergency, emergency.declared_by, name="Grand abri")
    small = shelter(emergency, emergency.declared_by, name="Petit abri")
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=window)
    for _number in range(13):
        services.register_arrival(point=big, by=clerk, data={"household_size": 2, "language": "ht", "needs": ["food"]})
    for _number in range(3):  # a small count: never shown as itself
        services.register_arrival(
            point=small, by=clerk, data={"household_size": 1, "language": "ht", "needs": ["health"]}
        )
    return emergency


def test_every_count_is_rounded_and_a_small_one_shows_zero(emergency):
    with translation.override("en"):
        figures = emergency_figures(emergency)
    assert figures.households in (15, 20) and figures.people in (25, 30, 35)
    by_point = {name: (households, people) for name, households, people in figures.by_point}
    assert by_point["Petit abri"] == (0, 0)  # 3 households, 3 people
    assert by_point["Grand abri"][0] in (10, 15)
    needs = dict(figures.needs)
    assert needs["Health care"] == 0 and needs["Food and water"] in (10, 15)
    assert all(value % BASE == 0 for _day, households, people in figures.by_day for value in (households, people))
    # The same cell gives the same figure every time: asking again averages nothing away.
    with translation.override("en"):
        assert emergency_figures(emergency).by_point == figures.by_point


def test_the_page_is_for_those_who_see_the_countrys_figures(emergency):
    officer = emergency.declared_by
    client = Client()
    client.force_login(officer)
    response = client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/")
    assert response.status_code == 200
    assert "Petit abri" in response.content.decode()
    outsider = UserFactory()
    member(outsider, Role.COUNTRY_OFFICER, country_obj=country("DO"))
    client.force_login(outsider)
    assert client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/").status_code == 404


def test_the_daily_report_goes_once_a_day_to_the_countrys_officers_and_the_regional_ones(emergency):
    from dashboards.emergency import DAILY_KIND, send_daily_reports
    from notifications.channels import render
    from notifications.models import Message

    regional = UserFactory()
    member(regional, Role.REGIONAL_OFFICER)
    member(UserFactory(), Role.COUNTRY_OFFICER, country_obj=country("DO"))
    assert send_daily_reports() == 2
    send_daily_reports()  # the beat runs again the same day: nothing more
    rows = Message.objects.filter(kind=DAILY_KIND)
    assert sorted(rows.values_list("recipient", flat=True)) == sorted([emergency.declared_by.email, regional.email])
    subject, body = render(rows.first())
    assert subject.startswith("Chif ijans lan pou")  # in the country's language
    assert rows.first().language == "ht" and "Grand abri" in body and "/staff/dashboards/emergencies/" in body
    assert "Petit abri: 0 / 0" in body  # rounded as on the page
