"""A local stand-in for a Twilio-style Messages API, run in a thread on 127.0.0.1.

It answers as the real gateway does (201 with a JSON message, or a JSON error with the gateway's code),
checks basic auth, and deduplicates on the ``Idempotency-Key`` header: a repeated key gets the message
created the first time, and is counted as a duplicate rather than a delivery.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT = "AC00000000000000000000000000000001"
TOKEN = "gateway-test-token"

INVALID_NUMBER = "+15005550001"  # answered with code 21211 (invalid To), as the real sandbox does
NOT_MOBILE = "+15005550009"  # 21614
UNSUBSCRIBED = "+50688889999"  # replied STOP to the gateway
RATE_LIMITED = "+15005550429"  # 429, code 20429
BROKEN = "+15005550500"  # 500, no JSON


class Gateway:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: Counter[str] = Counter()  # idempotency key -> messages handed to the network
        self.by_key: dict[str, dict] = {}
        self.requests = 0
        self.duplicates = 0
        self.last_form: dict[str, str] = {}
        self.last_headers: dict[str, str] = {}
        # Hold the answer to the n-th delivery until released: the worker dies between send and mark.
        self.hold_at: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Gateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def answer(self, status: int, payload: dict | None) -> None:
                body = json.dumps(payload).encode() if payload is not None else b"Internal Server Error"
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if payload is not None else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def error(self, status: int, code: int, message: str) -> None:
                self.answer(
                    status,
                    {
                        "code": code,
                        "message": message,
                        "more_info": f"https://gateway.example/errors/{code}",
                        "status": status,
                    },
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with gateway.lock:
                    gateway.requests += 1
                    gateway.last_form = form
                    gateway.last_headers = dict(self.headers)
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
                    return self.error(404, 20404, "The requested resource was not found")
                expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self.error(401, 20003, "Authentication Error - invalid username")
                to = form.get("To", "").removeprefix("whatsapp:")
                if to == INVALID_NUMBER:
                    return self.error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
                if to == UNSUBSCRIBED:
                    return self.error(400, 21610, "Attempt to send to unsubscribed recipient")
                if to == NOT_MOBILE:
                    return self.error(400, 21614, f"'To' number {to} is not a valid mobile number")
                if to == RATE_LIMITED:
                    return self.error(429, 20429, "Too Many Requests")
                if to == BROKEN:
                    return self.answer(500, None)
                if not form.get("Body"):
                    return self.error(400, 21602, "Message body is required.")
                key = self.headers.get("Idempotency-Key") or uuid.uuid4().hex
                hold = False
                with gateway.lock:
                    if key in gateway.by_key:
                        gateway.duplicates += 1
                        created = gateway.by_key[key]
                    else:
                        created = {
                            "sid": "SM" + uuid.uuid4().hex,
                            "status": "queued",
                            "to": form.get("To"),
                            "from": form.get("From"),
                            "body": form["Body"],
                            "account_sid": ACCOUNT,
                        }
                        gateway.by_key[key] = created
                        gateway.deliveries[key] += 1
                        hold = gateway.hold_at is not None and len(gateway.by_key) == gateway.hold_at
                if hold:
                    gateway.held.set()
                    gateway.release.wait(timeout=60)
                return self.answer(201, created)

        return Handler


def sign_webhook(url: str, form: dict[str, str], token: str = TOKEN) -> str:
    """The signature the gateway puts in ``X-Twilio-Signature`` when it posts an inbound message to ``url``:
    base64 HMAC-SHA1, keyed with the auth token, of the URL followed by each field name and value in name
    order. Written here on the gateway's side, apart from the portal's check of it."""
    import hashlib
    import hmac

    text = url
    for name in sorted(form):
        text += name + form[name]
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()
