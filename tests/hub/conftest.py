from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import country
from tests.hub.factories import editor


@pytest.fixture
def ht(db):
    return country("HT")


@pytest.fixture
def editor_cr_fr(cr):
    return editor(cr, "fr")


@pytest.fixture
def editor_cr_fr_client(editor_cr_fr):
    client = Client()
    client.force_login(editor_cr_fr)
    return client


@pytest.fixture
def reviewer_cr_fr_client(cr):
    """A second French editor of Costa Rica: four eyes, the one who publishes what the first wrote."""
    client = Client()
    client.force_login(editor(cr, "fr", username="reviewer-cr-fr"))
    return client
