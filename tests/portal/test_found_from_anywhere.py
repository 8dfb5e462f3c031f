"""What a reader can reach from any public page: the status check and the training courses in every footer,
a 404 that links to a page that exists, HEAD answered like GET, the phone's position allowed for the site."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LANGS = ["es", "en", "fr", "nl", "ht"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_links_to_the_status_check_and_the_courses(cr, window_cr, lang):
    for path in (f"/{lang}/", f"/{lang}/cr/", f"/{lang}/cr/windows/", f"/{lang}/status/"):
        html = Client().get(path).content.decode()
        footer = html[html.index("<footer") :]
        assert f'href="/{lang}/status/"' in footer, path
        assert f'href="/{lang}/training/"' in footer, path


def test_head_is_answered_like_get(cr, window_cr):
    for path in ("/es/", "/es/cr/", "/es/cr/windows/", "/es/status/", "/es/training/", "/es/accounts/login/"):
        get, head = Client().get(path), Client().head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""


def test_a_404_under_an_unknown_country_does_not_link_to_itself(cr):
    unknown = Client().get("/ht/zz/guides/nothing/")
    assert unknown.status_code == 404
    assert 'href="/ht/zz/"' not in unknown.content.decode()
    known = Client().get("/ht/cr/guides/nothing/")
    assert known.status_code == 404
    assert 'href="/ht/cr/"' in known.content.decode()
    assert Client().get("/ht/cr/").status_code == 200  # the link leads somewhere


def test_the_site_may_ask_for_the_phones_position_and_nobody_else(cr):
    policy = Client().get("/es/")["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=()" in policy
