"""The WSGI application, with the public pages this worker keeps answered before Django builds a request.

A plain GET of a page under a language prefix whose current copy this process keeps (``pagecache.local``) is
answered here, with the status, headers and body ``PageCacheMiddleware`` would have answered; everything else
goes to Django unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings

import pagecache


def with_kept_pages_first(application: Callable) -> Callable:
    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def answer(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").startswith(prefixes):
            kept = pagecache.answer_kept(environ)
            if kept is not None:
                status, headers, body = kept
                start_response(status, list(headers))
                return [body]
        return application(environ, start_response)

    return answer
