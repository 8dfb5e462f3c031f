"""Fixtures every app's tests share: the three personas of the house style, and their windows.

- ``staff_cr``: staff of a window in Costa Rica (reads and changes that window's records);
- ``officer_cr``: a country officer of Costa Rica (reads every Costa Rican record, changes nothing);
- ``staff_pa``: staff of a window in Panama (must never see a Costa Rican record).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import Role, UserFactory, WindowFactory, country, member


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: limits counted in it (public forms) never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cr(db):
    return country("CR")


@pytest.fixture
def pa(db):
    return country("PA")


@pytest.fixture
def window_cr(cr):
    return WindowFactory(country=cr, name="Ventanilla San José", slug="san-jose", city="San José")


@pytest.fixture
def window_cr2(cr):
    return WindowFactory(country=cr, name="Ventanilla Upala", slug="upala", city="Upala")


@pytest.fixture
def window_pa(pa):
    return WindowFactory(country=pa, name="Ventanilla Panamá", slug="panama", city="Ciudad de Panamá")


@pytest.fixture
def staff_cr(window_cr):
    user = UserFactory(username="staff_cr")
    member(user, Role.WINDOW_STAFF, window=window_cr)
    return user


@pytest.fixture
def officer_cr(cr, window_cr):
    user = UserFactory(username="officer_cr")
    member(user, Role.COUNTRY_OFFICER, country_obj=cr)
    return user


@pytest.fixture
def staff_pa(window_pa):
    user = UserFactory(username="staff_pa")
    member(user, Role.WINDOW_STAFF, window=window_pa)
    return user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_cr_client(staff_cr):
    return _client_for(staff_cr)


@pytest.fixture
def officer_cr_client(officer_cr):
    return _client_for(officer_cr)


@pytest.fixture
def staff_pa_client(staff_pa):
    return _client_for(staff_pa)
