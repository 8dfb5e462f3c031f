from __future__ import annotations

from django.test import RequestFactory, override_settings

from helpers.throttle import client_address


@override_settings(PROXY_HOPS=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


@override_settings(PROXY_HOPS=0)
def test_without_a_proxy_a_forged_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(request) == "203.0.113.9"


@override_settings(PROXY_HOPS=1)
def test_behind_a_proxy_a_request_without_the_header_falls_back_to_the_connection():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
