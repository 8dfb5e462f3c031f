"""Messages a person sends to the programme's SMS or WhatsApp number: "<reference> <PIN>" gets the status.

The gateway posts each inbound message to the webhook, form-encoded as the Messages API does (``From``,
``To``, ``Body``, ``MessageSid``), signed in ``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed with the
account's auth token, over the URL the gateway called followed by every parameter name and value in
name order. A request without a valid signature is refused and changes nothing. STOP and its translations
are handled by ``optout``, the emergency keywords ("ALERTE", "ALÈT"...) by ``optin``, replies other apps wait
for by ``replies``. The answer is not sent
in the HTTP reply: it is queued in the outbox like any message, so it is sent once, retried, and logged
without the number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from django.conf import settings
from django.http import HttpRequest

from notifications.models import Channel
from notifications.services import enqueue

from . import optin, optout, replies, services
from .models import LookupChannel


def gateway_token() -> str:
    return str(getattr(settings, "NOTIFICATIONS_GATEWAY", {}).get("auth_token", ""))


def signature(url: str, params: dict[str, list[str]], token: str) -> str:
    payload = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed(request: HttpRequest) -> bool:
    """Whether the request carries the gateway's signature. Without an auth token nothing is accepted."""
    token = gateway_token()
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    url = settings.PORTAL_URL + request.get_full_path()
    params = {name: request.POST.getlist(name) for name in request.POST}
    return hmac.compare_digest(signature(url, params, token), given)


def parse(body: str) -> tuple[str, str]:
    """(reference, PIN) from what a person typed: "vq7k-m3px 123456", "VQ7KM3PX, 123 456", "PIN 123456
    REF VQ7K M3PX". Both halves may hold digits, so the fourteen letters and digits are split by length."""
    tokens = [t for t in re.findall(r"[0-9A-Za-z]+", body or "") if t.upper() not in ("PIN", "REF")]
    text = "".join(tokens).upper()
    size = services.PIN_LENGTH
    if len(text) == 8 + size:
        reference_first = (text[:8], text[8:])
        pin_first = (text[size:], text[:size])
        for reference, pin in (reference_first, pin_first):
            if pin.isdigit() and services.REFERENCE_RE.match(reference) and not reference.isdigit():
                return reference, pin
    return text[:16], ""


def answer(request: HttpRequest) -> None:
    """Look up the status asked for and queue the answer to the sender. Raises DuplicateDelivery when the
    gateway delivered this message before."""
    sender = request.POST.get("From", "").strip()
    channel = Channel.WHATSAPP if sender.startswith("whatsapp:") else Channel.SMS
    number = sender.removeprefix("whatsapp:")
    message_id = request.POST.get("MessageSid", "")[:64] or None
    word = optout.keyword(request.POST.get("Body", ""))
    if word and number:
        optout.stop(channel=channel, number=number, word=word, message_id=message_id)
        return
    word = optin.keyword(request.POST.get("Body", ""))
    if word and number:
        optin.opt_in(channel=channel, number=number, word=word, message_id=message_id)
        return
    if number and replies.handle(channel=channel, number=number, body=request.POST.get("Body", ""),
                                 message_id=message_id):  # fmt: skip
        return  # a reply another app waited for (a handover's consent code)
    reference, pin = parse(request.POST.get("Body", ""))
    result = services.look_up(
        reference=reference,
        pin=pin,
        channel=LookupChannel.WHATSAPP if channel == Channel.WHATSAPP else LookupChannel.SMS,
        client_key=f"phone:{number}",
        provider_ref=message_id,
    )
    # The person's own language once they proved who they are; before that, one fixed language, so that
    # the language of the answer does not tell whether a reference exists.
    language = settings.STATUSCHECK_SMS_LANGUAGE
    if result.shown:
        language = result.access.process.case.person.preferred_language or language
    if not number:
        return
    enqueue(
        kind="statuscheck.answer",
        channel=channel,
        recipient=number,
        language=language,
        template="statuscheck/messages/answer",
        context={"text": services.answer_text(result, language)},
        key=f"statuscheck:answer:{message_id or services.secrets.token_hex(16)}",
        obj=result.access,
    )
