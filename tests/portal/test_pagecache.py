"""Public pages come from a cache that is never stale: a copy ends exactly when something it shows changes.

Each test reads a page twice (the second from the cache, with no query), changes one thing the page
shows, and reads it again: the reader must see the change at once. The second read is answered by
``PageCacheMiddleware`` before sessions, URL resolution and the view, so every invalidation below is
checked on that path; the tests at the end check its answer itself (gzip, 304, headers, who gets a copy).
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pagecache
from cases.models import RegularizationProcess
from hub.services import publish_text
from tests.cases.factories import PathwayFactory, make_case, make_person
from tests.factories import UserFactory, WindowFactory
from tests.hub.factories import alert, guide
from ventanillas.models import Closure, OpeningHours

pytestmark = pytest.mark.django_db

# Monday 30 November 2026, 15:58 in San José (UTC-6): the windows close at 16:00.
MONDAY_1558 = datetime(2026, 11, 30, 21, 58, tzinfo=UTC)


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    response.queries = len(queries)
    body = response.content
    response.html = (gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body).decode()
    return response


def answered_by_the_middleware(response) -> bool:
    """The copy was answered before the session, the URL resolution and the view: no template rendered,
    and the request never got a session or a resolved view."""
    request = response.wsgi_request
    return (
        response["X-Page-Cache"] == "hit"
        and not response.templates
        and not hasattr(request, "session")
        and getattr(request, "resolver_match", None) is None
    )


def cached_twice(client, url):
    """Read the page twice: the second answer is the cached copy, read without a database query."""
    first = get(client, url)
    second = get(client, url)
    assert second["X-Page-Cache"] == "hit" and second.queries == 0
    assert answered_by_the_middleware(second)
    assert second.html == first.html
    return second


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_1558, tick=False) as traveller:
        yield traveller


def test_a_phone_that_has_the_page_gets_a_304_without_the_body(client, cr):
    guide(cr)
    page = cached_twice(client, "/es/cr/guides/residencia/")
    assert page["ETag"] and page["Last-Modified"]
    assert "public" in page["Cache-Control"] and "no-cache" in page["Cache-Control"]
    again = get(client, "/es/cr/guides/residencia/", HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304 and again.content == b"" and again.queries == 0
    since = get(client, "/es/cr/guides/residencia/", HTTP_IF_MODIFIED_SINCE=page["Last-Modified"])
    assert since.status_code == 304


def test_public_pages_set_no_csrf_cookie_and_do_not_vary_with_cookies(client, cr, window_cr):
    guide(cr)
    for url in ("/es/", "/es/cr/", "/es/cr/guides/residencia/", "/es/cr/faq/", "/es/cr/windows/", "/es/training/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_a_publish_shows_at_once_on_the_guide_the_country_home_and_search(client, cr):
    item = guide(cr)
    for url in ("/es/cr/guides/residencia/", "/es/cr/", "/es/cr/search/?q=residencia"):
        cached_twice(client, url)
    publish_text(item=item, language="es", title="Residencia permanente", summary="Nueva.", body="Texto nuevo.")
    for url in ("/es/cr/guides/residencia/", "/es/cr/", "/es/cr/search/?q=residencia"):
        page = get(client, url)
        assert "Residencia permanente" in page.html, url
        assert page["X-Page-Cache"] == "miss"


def test_a_publish_in_one_country_leaves_the_other_countries_pages_cached(client, cr, pa):
    item = guide(cr)
    guide(pa)
    cached_twice(client, "/es/pa/guides/residencia/")
    publish_text(item=item, language="es", title="Residencia permanente", summary="Nueva.", body="Texto nuevo.")
    assert get(client, "/es/pa/guides/residencia/")["X-Page-Cache"] == "hit"


def test_an_alert_appears_when_it_starts_and_goes_when_it_ends(client, cr, clock):
    guide(cr)
    soon = alert(cr, title="Frontera cerrada", starts=0, ends=None)
    soon.starts_at = MONDAY_1558 + timedelta(minutes=5)
    soon.ends_at = MONDAY_1558 + timedelta(minutes=65)
    soon.save()
    page = cached_twice(client, "/es/cr/guides/residencia/")
    assert "Frontera cerrada" not in page.html
    clock.move_to(MONDAY_1558 + timedelta(minutes=4, seconds=59))
    assert get(client, "/es/cr/guides/residencia/")["X-Page-Cache"] == "hit"
    clock.move_to(MONDAY_1558 + timedelta(minutes=5))
    assert "Frontera cerrada" in get(client, "/es/cr/guides/residencia/").html
    assert "Frontera cerrada" in cached_twice(client, "/es/cr/guides/residencia/").html
    clock.move_to(MONDAY_1558 + timedelta(minutes=65))
    assert "Frontera cerrada" not in get(client, "/es/cr/guides/residencia/").html


def test_an_alert_written_or_withdrawn_by_an_editor_shows_at_once_everywhere_in_the_country(client, cr, window_cr):
    guide(cr)
    for url in ("/es/cr/", "/es/cr/windows/", "/es/cr/faq/"):
        cached_twice(client, url)
    shown = alert(cr, title="Oficinas cerradas por lluvias")
    for url in ("/es/cr/", "/es/cr/windows/", "/es/cr/faq/"):
        assert "Oficinas cerradas por lluvias" in get(client, url).html, url
    shown.delete()
    assert "Oficinas cerradas por lluvias" not in get(client, "/es/cr/windows/").html


def test_open_now_changes_the_minute_the_window_closes(client, window_cr, clock):
    assert "Open now, until 16:00" in cached_twice(client, "/en/cr/windows/").html
    clock.move_to(MONDAY_1558 + timedelta(seconds=59))
    assert get(client, "/en/cr/windows/")["X-Page-Cache"] == "hit"
    clock.move_to(MONDAY_1558 + timedelta(minutes=2))
    page = get(client, "/en/cr/windows/")
    assert "Open now" not in page.html and "Closed now. Opens Tuesday" in page.html


def test_the_local_time_printed_on_the_windows_page_is_never_a_minute_old(client, window_cr, clock):
    assert "15:58." in cached_twice(client, "/en/cr/windows/").html
    clock.move_to(MONDAY_1558 + timedelta(seconds=59))
    assert get(client, "/en/cr/windows/")["X-Page-Cache"] == "hit"  # the same minute: the copy
    clock.move_to(MONDAY_1558 + timedelta(minutes=1, seconds=1))
    page = get(client, "/en/cr/windows/")
    assert "15:59." in page.html and "15:58." not in page.html


def test_new_opening_hours_and_a_closure_show_at_once(client, cr, clock):
    window = WindowFactory(country=cr, weekday_hours=False)
    OpeningHours.objects.create(window=window, weekday=0, opens=time(8), closes=time(17))
    assert "Open now, until 17:00" in cached_twice(client, "/en/cr/windows/").html
    OpeningHours.objects.filter(window=window).update(closes=time(16, 30))  # no signal: must not be seen...
    hours = OpeningHours.objects.get(window=window)
    hours.save()  # ...until saved, as the admin and the staff pages do
    assert "Open now, until 16:30" in get(client, "/en/cr/windows/").html
    assert "Open now, until 16:30" in cached_twice(client, "/en/cr/").html
    Closure.objects.create(
        country=cr, window=window, first_day=date(2026, 11, 30), last_day=date(2026, 11, 30), reason="Inventario"
    )
    assert "Closed today: Inventario" in get(client, "/en/cr/windows/").html
    assert "Open now" not in get(client, "/en/cr/").html


def test_a_refreshed_processing_time_shows_at_once_on_the_guide(
    client, cr, window_cr, django_capture_on_commit_callbacks
):
    pathway = PathwayFactory(country=cr, typical_processing_days=90)
    guide(cr, pathway=pathway)
    assert "90" in cached_twice(client, "/en/cr/guides/residencia/").html
    staff = UserFactory(username="clerk")
    today = date.today()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            case = make_case(window_cr, staff, person=make_person(window_cr, staff, given_names=f"Persona{n}"))
            RegularizationProcess.objects.create(
                case=case,
                pathway=pathway,
                stage="approved",
                approved=True,
                started_at=today - timedelta(days=60),
                submitted_at=today - timedelta(days=47),
                decided_at=today - timedelta(days=5),
            )
    page = get(client, "/en/cr/guides/residencia/")
    assert page["X-Page-Cache"] == "miss"
    assert "42" in page.html  # the median of the ten decisions, now observed


def test_a_seat_taken_shows_on_the_training_catalogue(client, cr):
    from tests.training.conftest import person
    from tests.training.factories import SessionFactory
    from training import services

    session = SessionFactory(capacity=3, published=True, course__published=True)
    assert "3 seats left" in cached_twice(client, "/en/training/").html
    services.enrol_verified(session=session, data=person(1, cr))
    assert "2 seats left" in get(client, "/en/training/").html


def test_signed_in_staff_get_fresh_private_pages(staff_cr_client, client, cr):
    guide(cr)
    cached_twice(client, "/es/cr/guides/residencia/")
    response = staff_cr_client.get("/es/cr/guides/residencia/")
    assert "X-Page-Cache" not in response and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    staff_page = staff_cr_client.get("/es/staff/cases/")
    assert "X-Page-Cache" not in staff_page and "ETag" not in staff_page


# --- The middleware's answer ----------------------------------------------------------------------------

GUIDE = "/es/cr/guides/residencia/"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def header_set(response) -> dict[str, str]:
    """Every header but X-Page-Cache; the policy without its nonce (a miss renders one into the page, a
    copy's body carries another request's, which a hit's policy must not allow)."""
    headers = {name: value for name, value in response.items() if name != "X-Page-Cache"}
    headers["Content-Security-Policy"] = re.sub(r" 'nonce-[^']+'", "", headers["Content-Security-Policy"])
    return headers


def test_a_hit_runs_neither_the_view_nor_a_query(client, cr, django_assert_num_queries):
    guide(cr)
    client.get(GUIDE)
    with django_assert_num_queries(0):
        hit = client.get(GUIDE, **GZIP)
    assert hit.status_code == 200 and answered_by_the_middleware(hit)


def test_a_gzip_hit_is_the_plain_hit_compressed_once(client, cr):
    guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Reúna sus documentos. " * 300)})
    miss = client.get(GUIDE, **GZIP)
    packed, plain = client.get(GUIDE, **GZIP), client.get(GUIDE, HTTP_ACCEPT_ENCODING="identity")
    assert miss["X-Page-Cache"] == "miss" and packed["X-Page-Cache"] == plain["X-Page-Cache"] == "hit"
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content == gzip.decompress(miss.content)
    assert len(packed.content) < len(plain.content) / 3
    assert packed["Content-Length"] == str(len(packed.content)) and plain["Content-Length"] == str(len(plain.content))
    assert packed["ETag"] == "W/" + plain["ETag"] and plain["ETag"].startswith('"')
    for response in (packed, plain):
        assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
    # a client that sends no Accept-Encoding at all gets the plain body too
    assert client.get(GUIDE).content == plain.content


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_a_hit_answers_304_to_either_form_of_its_etag_and_to_its_date(client, cr, encoding):
    guide(cr)
    client.get(GUIDE)
    page = client.get(GUIDE, HTTP_ACCEPT_ENCODING=encoding)
    strong = page["ETag"].removeprefix("W/")
    for etag in (strong, "W/" + strong):
        again = get(client, GUIDE, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"" and again.queries == 0, etag
        assert again["ETag"] == page["ETag"] and not again.templates and not hasattr(again.wsgi_request, "session")
    since = get(client, GUIDE, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_MODIFIED_SINCE=page["Last-Modified"])
    assert since.status_code == 304
    other = get(client, GUIDE, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == page.content


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_a_hit_has_the_headers_of_a_page_rendered_through_every_middleware(client, cr, encoding):
    guide(cr)
    miss = client.get(GUIDE, HTTP_ACCEPT_ENCODING=encoding)
    hit = client.get(GUIDE, HTTP_ACCEPT_ENCODING=encoding)
    assert miss["X-Page-Cache"] == "miss" and answered_by_the_middleware(hit)
    assert header_set(hit) == header_set(miss)
    # what the middleware skipped on a hit would have added, and what the security middleware adds
    assert hit["Content-Language"] == "es" and hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff" and hit["Referrer-Policy"] == "same-origin"
    assert hit["Cross-Origin-Opener-Policy"] == "same-origin" and "camera=()" in hit["Permissions-Policy"]
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    # a reader with a pending message gets the page rendered through every middleware: same headers but
    # for the copy's own (validators, public cache) and the session's Vary
    fresh = Client(HTTP_ACCEPT_ENCODING=encoding)
    fresh.cookies["messages"] = "x"
    rendered = fresh.get(GUIDE)
    assert "X-Page-Cache" not in rendered and "private" in rendered["Cache-Control"]
    own = {"ETag", "Last-Modified", "Cache-Control", "Vary"}
    assert set(header_set(rendered)) - own == set(header_set(hit)) - own
    for name in set(header_set(hit)) - own - {"Content-Security-Policy", "Content-Length"}:
        assert hit[name] == rendered[name], name


def test_a_signed_in_user_or_a_reader_with_a_message_is_never_served_a_copy(staff_cr_client, client, cr):
    guide(cr)
    cached_twice(client, GUIDE)
    for reader in (staff_cr_client, Client()):
        if reader is not staff_cr_client:
            reader.cookies["messages"] = "x"
        response = reader.get(GUIDE, **GZIP)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"] and response.templates
    assert "portal/staff.js" in gzip.decompress(staff_cr_client.get(GUIDE, **GZIP).content).decode()


def test_a_copy_is_served_only_for_its_own_method_path_query_and_host(client, cr):
    guide(cr)
    cached_twice(client, "/es/cr/search/?q=residencia")
    other_query = get(client, "/es/cr/search/?q=pasaporte")
    assert other_query["X-Page-Cache"] == "miss" and other_query.html != get(client, "/es/cr/search/?q=residencia").html
    assert get(client, GUIDE)["X-Page-Cache"] == "miss"
    head = client.head(GUIDE)  # a HEAD is answered like a GET, from a copy of its own
    assert head.status_code == 200 and head.content == b"" and head["X-Page-Cache"] == "miss"
    assert client.post(GUIDE).status_code == 405
    assert get(client, GUIDE, HTTP_HOST="localhost")["X-Page-Cache"] == "miss"  # links carry the host
    assert get(client, "/en/cr/guides/residencia/")["X-Page-Cache"] == "miss"


def test_a_copy_stored_under_a_page_key_is_checked_against_its_address(client, cr):
    guide(cr)
    cached_twice(client, GUIDE)
    request = client.get(GUIDE).wsgi_request
    key = pagecache._page_key(pagecache._address(request))
    copy = pagecache.cache.get(key)
    copy["address"] = copy["address"].replace("residencia", "otra")
    pagecache.cache.set(key, copy)
    assert get(client, GUIDE)["X-Page-Cache"] == "miss"


def test_a_tag_change_and_the_end_of_a_copy_s_time_reach_the_middleware(client, cr, clock):
    guide(cr)
    cached_twice(client, GUIDE)
    pagecache._TAG_KEYS.clear()  # a process that has not yet seen the page reads its tags from the copy
    assert answered_by_the_middleware(get(client, GUIDE))
    pagecache.changed("alerts:region")
    pagecache._TAG_KEYS.clear()
    assert get(client, GUIDE)["X-Page-Cache"] == "miss"
    assert answered_by_the_middleware(get(client, GUIDE))
    pagecache.changed("item:guides:CR:residencia")
    page = get(client, GUIDE)
    assert page["X-Page-Cache"] == "miss" and page.templates
    assert answered_by_the_middleware(get(client, GUIDE))
    # a copy ends at the country's midnight at the latest ("today" changes)
    clock.move_to(MONDAY_1558 + timedelta(days=1))
    page = get(client, GUIDE)
    assert page["X-Page-Cache"] == "miss" and page.templates


def test_without_the_middleware_the_decorator_serves_copies_itself(client, cr, settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "pagecache.PageCacheMiddleware"]
    guide(cr)
    first = get(client, GUIDE, **GZIP)
    second = get(client, GUIDE, **GZIP)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit" and second.queries == 0
    assert hasattr(second.wsgi_request, "session") and second.html == first.html
    assert second["Content-Encoding"] == "gzip" and second["Content-Language"] == "es"


def test_a_copy_repeats_no_nonce_and_a_new_deployment_policy_starts_new_copies(client, cr, settings):
    guide(cr)
    rendered = Client()
    rendered.cookies["messages"] = "x"  # a page rendered for one reader has its own nonce
    assert "'nonce-" in rendered.get(GUIDE)["Content-Security-Policy"]
    miss = client.get(GUIDE)
    hit = client.get(GUIDE)
    assert answered_by_the_middleware(hit)
    for copy in (miss, hit):  # a copy is the same for every reader: no nonce in it
        assert "'nonce-" not in copy["Content-Security-Policy"]
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    # A deployment that changes a security header: the copies made under the old one are not served.
    settings.SECURE_REFERRER_POLICY = "no-referrer"
    deployed = Client()  # the new deployment's processes (middleware reads its settings when it starts)
    again = deployed.get(GUIDE)
    assert again["X-Page-Cache"] == "miss" and again["Referrer-Policy"] == "no-referrer"
    assert deployed.get(GUIDE)["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("secure", [True, False])
def test_an_https_copy_carries_hsts_and_an_http_address_never_shares_it(client, cr, settings, secure):
    settings.SECURE_HSTS_SECONDS = 3600
    guide(cr)
    client.get(GUIDE, secure=secure)
    hit = client.get(GUIDE, secure=secure)
    assert answered_by_the_middleware(hit)
    assert ("Strict-Transport-Security" in hit) is secure
    other = client.get(GUIDE, secure=not secure)
    assert other["X-Page-Cache"] == "miss"
