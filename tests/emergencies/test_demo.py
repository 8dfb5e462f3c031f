"""The demo holds one active emergency, with its banner, its service points and its CAP alerts."""

from __future__ import annotations

import pytest
from django.test import Client

from emergencies import demo
from emergencies.models import Emergency
from tests.factories import Role, UserFactory, WindowFactory, country, member

pytestmark = pytest.mark.django_db


def test_the_demo_declares_one_active_emergency_in_haiti_and_loading_again_adds_none():
    ht = country("HT")
    WindowFactory(country=ht, region="Ouest", slug="port-au-prince")
    WindowFactory(country=ht, region="Nord-Est", slug="ouanaminthe")
    member(UserFactory(username="regional"), Role.REGIONAL_OFFICER)
    demo.load()
    demo.load()
    emergency = Emergency.objects.active().get()
    assert emergency.country == ht and sorted(emergency.regions) == ["Nord-Est", "Ouest"]
    assert sorted(emergency.texts.values_list("language", flat=True)) == ["fr", "ht"]
    assert emergency.points.filter(state="full").count() == 1
    assert emergency.bulletins.count() == 2
    home = Client().get("/fr/ht/").content.decode()
    assert f"/fr/ht/emergencies/{emergency.pk}/" in home
