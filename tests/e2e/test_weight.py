"""A first visit to a public page is light enough for a 3G phone: at most 15 KB over the wire.

A cold load at the phone size (empty cache), counting every response of the portal: its headers and its body
as production sends it, compressed (the page is gzipped by the application, static files by WhiteNoise from
their precompressed copies; the test server sends static files plain, so their gzip size is counted).
"""

from __future__ import annotations

import gzip

import pytest

from .conftest import ARTIFACTS, PHONE
from .pages import PUBLIC_KINDS, public_kinds

BUDGET = 15 * 1024
TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")


def first_visit_bytes(context, path: str) -> tuple[int, list[str]]:
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path, wait_until="load")
    total, lines = 0, []
    for response in responses:
        sizes = response.request.sizes()
        body = response.body() if response.status < 300 else b""
        if response.headers.get("content-encoding") or not response.headers.get("content-type", "").startswith(TEXT):
            wire = sizes["responseBodySize"]
        else:
            wire = len(gzip.compress(body, 6))
        total += wire + sizes["responseHeadersSize"]
        lines.append(f"{response.url}: {wire} + {sizes['responseHeadersSize']} B")
    page.close()
    return total, lines


KINDS = [(lang, kind) for lang in ("es", "ht") for kind in PUBLIC_KINDS]


@pytest.mark.parametrize(("lang", "kind"), KINDS, ids=[f"{lang}-{kind}" for lang, kind in KINDS])
def test_first_visit_is_light(new_context, demo, lang, kind):
    context = new_context(PHONE)  # a new context: nothing cached
    total, lines = first_visit_bytes(context, public_kinds(demo, lang)[kind])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "first-visit-weight.txt").open("a") as report:
        report.write(f"{lang}-{kind}: {total} B\n")
    assert total <= BUDGET, f"{total} B > {BUDGET} B:\n" + "\n".join(lines)
