"""SMS and WhatsApp providers: a small interface, a log backend for laptops, one HTTP gateway adapter.

Choose one with ``NOTIFICATIONS_SMS_BACKEND`` (a dotted path); its options come from
``NOTIFICATIONS_GATEWAY`` (a dict read from the environment in settings).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# What a gateway's error text may quote back: the recipient's number or address.
ADDRESS_IN_TEXT = re.compile(r"\S+@\S+|\+?\d[\d ()./-]{4,}\d")


def redact(text: str) -> str:
    """The text without phone numbers or e-mail addresses, fit for the log and the row's last error."""
    return ADDRESS_IN_TEXT.sub("[redacted]", text)


class PermanentError(Exception):
    """Sending again will not help (a bad address, a refused recipient): the message fails for good."""


class Unsubscribed(PermanentError):
    """The gateway refuses the number because it asked to stop (it keeps its own stop list)."""


class TransientError(Exception):
    """Sending later may work (network, rate limit, gateway trouble): the message is retried."""


class Provider:
    """Sends one text to one phone number on a channel ("sms" or "whatsapp")."""

    def __init__(self, **options) -> None:
        self.options = options

    def send(self, *, channel: str, to: str, body: str, idempotency_key: str) -> str:
        """Return the provider's reference; raise PermanentError or TransientError."""
        raise NotImplementedError


class LogProvider(Provider):
    """Writes to the log instead of sending: the default on a laptop. The text only at DEBUG."""

    def send(self, *, channel: str, to: str, body: str, idempotency_key: str) -> str:
        logger.info("%s to ...%s (%s characters) ref=%s", channel, to[-2:], len(body), idempotency_key)
        logger.debug("%s text ref=%s: %s", channel, idempotency_key, body)
        return f"log-{idempotency_key}"


class MessagesApiProvider(Provider):
    """The Messages REST API of Twilio and of the gateways that copy it.

    ``POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json``, form-encoded ``To``, ``From``
    (or ``MessagingServiceSid``) and ``Body``, HTTP basic auth with the account id and token; WhatsApp
    numbers are prefixed ``whatsapp:``. Errors come back as JSON ``{"code": 21211, "message": ...,
    "status": 400}``. Each request carries ``Idempotency-Key`` (the message's uuid): a resend after a crash
    must be recognised by the gateway (or by a relay in front of it) rather than delivered twice.
    """

    # Error codes that say the address itself is wrong or refuses messages: never retried.
    BAD_ADDRESS = {
        21211,  # invalid To number
        21217,  # To number is not reachable
        21401,  # invalid phone number
        21407,  # this number is not supported
        21408,  # sending to this region is not enabled
        21610,  # the recipient replied STOP
        21612,  # cannot route to this number
        21614,  # To is not a mobile number
        63003,  # WhatsApp: no such address on the channel
        63024,  # WhatsApp: invalid recipient
    }

    # The number replied STOP to the gateway: it keeps its own stop list, which ours copies.
    UNSUBSCRIBED = {21610}

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.base_url = options.get("base_url") or "https://api.twilio.com"
        self.account_sid = options.get("account_sid", "")
        self.auth_token = options.get("auth_token", "")
        self.sms_from = options.get("sms_from", "")
        self.whatsapp_from = options.get("whatsapp_from", "")
        self.messaging_service_sid = options.get("messaging_service_sid", "")
        self.timeout = float(options.get("timeout", 10))

    def url(self) -> str:
        return f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, *, channel: str, to: str, body: str, idempotency_key: str) -> str:
        if not E164.match(to):
            raise PermanentError("not an international phone number (+ and 7 to 15 digits)")
        data = {"To": to, "Body": body}
        if channel == "whatsapp":
            data["To"] = f"whatsapp:{to}"
            data["From"] = f"whatsapp:{self.whatsapp_from}"
        elif self.messaging_service_sid:
            data["MessagingServiceSid"] = self.messaging_service_sid
        else:
            data["From"] = self.sms_from
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, not from users
            self.url(),
            data=urllib.parse.urlencode(data).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            # The URL is the gateway's from settings, checked to be http(s) below (no file: or custom scheme).
            if urllib.parse.urlsplit(request.full_url).scheme not in ("https", "http"):
                raise PermanentError("the gateway URL must be https")
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise self.classify(exc.code, exc.read()) from None
        except OSError as exc:  # URLError, timeouts, refused connections
            raise TransientError(f"gateway unreachable: {exc}") from None
        return str(answer.get("sid", ""))

    def classify(self, status: int, payload: bytes) -> Exception:
        """Turn an HTTP error into PermanentError or TransientError (by status and gateway code)."""
        try:
            error = json.loads(payload or b"{}")
        except ValueError:
            error = {}
        code = error.get("code")
        # Gateways quote the number back ("The 'To' number +506... is not valid"): the error goes to the
        # log and to the row's last error, which hold ids and codes only.
        text = f"HTTP {status}, code {code}: {redact(str(error.get('message', '')))}".strip()
        if code in self.UNSUBSCRIBED:
            return Unsubscribed(f"unsubscribed ({text})")
        if code in self.BAD_ADDRESS:
            return PermanentError(f"bad address ({text})")
        if status == 429 or status >= 500 or status in (401, 403, 408, 409):
            # Rate limits and gateway trouble pass; so may credentials, once an operator fixes them.
            return TransientError(text)
        return PermanentError(text)


@cache
def _provider(path: str, options: tuple) -> Provider:
    return import_string(path)(**dict(options))


def get_provider() -> Provider:
    path = getattr(settings, "NOTIFICATIONS_SMS_BACKEND", "notifications.providers.LogProvider")
    options = getattr(settings, "NOTIFICATIONS_GATEWAY", {}) or {}
    return _provider(path, tuple(sorted(options.items())))
