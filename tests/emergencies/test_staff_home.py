"""The staff home links to crisis mode for every role; the list page answers each of them."""

import pytest
from django.test import Client

from tests.factories import Role, UserFactory, country, member


@pytest.mark.django_db
def test_the_staff_home_links_to_the_emergencies_of_an_editor():
    u = UserFactory()
    member(u, Role.CONTENT_EDITOR, country_obj=country("HT"), language="fr")
    c = Client()
    c.force_login(u)
    html = c.get("/en/staff/").content.decode()
    assert "/en/staff/emergencies/" in html
    assert c.get("/en/staff/emergencies/").status_code == 200
