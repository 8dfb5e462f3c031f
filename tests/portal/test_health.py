"""The health probe tells the load balancer what is down: 503 naming it, never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client


@pytest.mark.django_db
def test_health_answers_200_when_the_database_answers():
    response = Client().get("/health/")
    assert response.status_code == 200 and response.json() == {"database": "ok"}


@pytest.mark.django_db
def test_health_answers_503_naming_the_database_while_it_is_down():
    # A real connection to a database that is not there: nothing listens on port 1, no such directory.
    default = connections["default"]
    settings = {**default.settings_dict}
    if default.vendor == "postgresql":
        settings["PORT"] = "1"
    else:
        settings["NAME"] = "/nonexistent/directory/ventanillas.sqlite3"
    down = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="down")
    with mock.patch("portal.views.connection", down):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["database"].startswith("unavailable: OperationalError")
