"""The read replica (off by default): public pages and dashboards read from it, every write and everything a
signed-in clerk does go to the primary."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import router, transaction
from django.test import RequestFactory, override_settings

from cases.models import Consultation
from hub.models import Guide
from portal.db_router import ReadReplicaMiddleware

pytestmark = pytest.mark.django_db

ROUTED = override_settings(DATABASE_ROUTERS=["portal.db_router.ReplicaRouter"])


def _read_db(request, model=Guide) -> str:
    seen = {}

    def view(_request):
        seen["db"] = router.db_for_read(model)
        with transaction.atomic():
            seen["in_transaction"] = router.db_for_read(model)
        seen["write"] = router.db_for_write(model)
        return None

    ReadReplicaMiddleware(view)(request)
    return seen


def test_without_a_replica_every_read_uses_the_primary():
    request = RequestFactory().get("/es/cr/")
    request.user = AnonymousUser()
    assert _read_db(request)["db"] == "default"


@ROUTED
def test_an_anonymous_reader_and_the_dashboards_read_from_the_replica(staff_cr):
    public = RequestFactory().get("/es/cr/guides/residencia/")
    public.user = AnonymousUser()
    seen = _read_db(public)
    assert seen == {"db": "replica", "in_transaction": "default", "write": "default"}
    dashboards = RequestFactory().get("/es/staff/dashboards/cr/")
    dashboards.user = staff_cr
    assert _read_db(dashboards, Consultation)["db"] == "replica"


@ROUTED
def test_a_clerk_and_every_post_use_the_primary(staff_cr):
    clerk = RequestFactory().get("/es/staff/cases/")
    clerk.user = staff_cr
    assert _read_db(clerk, Consultation)["db"] == "default"
    post = RequestFactory().post("/es/cr/guides/residencia/feedback/")
    post.user = AnonymousUser()
    assert _read_db(post)["db"] == "default"
    assert router.db_for_read(Guide) == "default"  # outside a request
