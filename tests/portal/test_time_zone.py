from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from portal.middleware import StaffTimeZoneMiddleware
from tests.factories import UserFactory


def zone_seen_by(user) -> str:
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    StaffTimeZoneMiddleware(view)(request)
    return seen["zone"]


def test_window_staff_and_country_officers_read_times_on_their_countrys_clock(staff_cr, officer_cr, staff_pa):
    assert zone_seen_by(staff_cr) == "America/Costa_Rica"
    assert zone_seen_by(officer_cr) == "America/Costa_Rica"
    assert zone_seen_by(staff_pa) == "America/Panama"


def test_people_without_a_country_and_visitors_keep_utc(db):
    assert zone_seen_by(UserFactory(username="norole")) == "UTC"
    assert zone_seen_by(AnonymousUser()) == "UTC"
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks past the request


def test_the_case_list_shows_the_day_a_case_was_opened_at_the_window(staff_cr_client, staff_cr, window_cr):
    from tests.cases.factories import make_case, make_person

    case = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr))
    # 02:30 UTC on the 29th is 20:30 on the 28th in San José.
    type(case).objects.filter(pk=case.pk).update(opened_at=datetime(2026, 11, 29, 2, 30, tzinfo=UTC))
    page = staff_cr_client.get("/es/staff/cases/").content.decode()
    assert "28/11/2026" in page and "29/11/2026" not in page
