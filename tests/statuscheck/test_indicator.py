"""The look-ups that showed a person their process are counted on the dashboards, by channel: the
questions the windows were spared. Failed tries are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards import figures, rollups
from statuscheck import services

pytestmark = pytest.mark.django_db


def test_answered_look_ups_become_an_indicator_by_channel(issued, cr):
    access, pin = issued
    rollups.rebuild()
    services.look_up(reference=access.reference, pin=pin, channel="web", client_key="a")
    services.look_up(reference=access.reference, pin=pin, channel="web", client_key="b")
    services.look_up(reference=access.reference, pin=pin, channel="sms", client_key="c")
    services.look_up(
        reference=access.reference, pin="000001" if pin != "000001" else "000002", channel="web", client_key="d"
    )
    rollups.refresh_changed()
    today = timezone.localdate(timezone=cr.zoneinfo)
    tomorrow = today + timedelta(days=1)  # the end of a period is the day after its last
    assert figures.totals(["status_lookups"], [cr.pk], today, tomorrow) == {"status_lookups": 3}
    by_channel = figures.grouped(["status_lookups"], [cr.pk], today, tomorrow, by="channel")["status_lookups"]
    assert by_channel == {"web": 2, "sms": 1}
