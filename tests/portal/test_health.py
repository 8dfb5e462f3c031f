"""The health probe tells the load balancer what is down: 503 naming it, never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client


@pytest.mark.django_db
def test_health_answers_200_when_the_database_and_the_cache_answer():
    from django.conf import settings as django_settings

    response = Client().get("/health/")
    assert response.status_code == 200
    # With tasks run in-process there is no broker; CI and production name a Redis one, which answers.
    broker = "not used" if django_settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert response.json() == {"database": "ok", "cache": "ok", "broker": broker}


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


@pytest.mark.django_db
def test_health_names_the_broker_while_it_is_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from kombu import Connection

    from portal.celery import app

    closed = Connection("redis://127.0.0.1:6399/0")  # nothing listens there
    with mock.patch.object(app, "connection_for_write", lambda: closed):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("unavailable")
