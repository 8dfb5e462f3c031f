"""Render a message in its recipient's language and hand it to its channel."""

from __future__ import annotations

import smtplib
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import timezone, translation

from .models import Channel, Message
from .providers import PermanentError, TransientError, get_provider
from .services import load_context

__all__ = ["PermanentError", "TransientError", "render", "send"]


@cache
def text_engine() -> Engine:
    """The project's templates without HTML escaping: these are plain-text messages."""
    options = settings.TEMPLATES[0]
    return Engine(
        dirs=[str(d) for d in options.get("DIRS", [])],
        app_dirs=True,
        autoescape=False,
        libraries=options.get("OPTIONS", {}).get("libraries", {}),
        builtins=["django.templatetags.i18n", "django.templatetags.tz"],
    )


def render(message: Message) -> tuple[str, str]:
    """(subject, body) of a message, in its language and in its recipient's time zone."""
    context = load_context(message.context)
    zone = ZoneInfo(message.time_zone) if message.time_zone else timezone.get_default_timezone()
    engine = text_engine()
    with translation.override(message.language), timezone.override(zone):
        try:
            body = engine.get_template(f"{message.template}_body.txt").render(Context(context)).strip()
        except TemplateDoesNotExist as exc:
            raise PermanentError(f"no template {exc}") from None
        try:
            subject = engine.get_template(f"{message.template}_subject.txt").render(Context(context))
        except TemplateDoesNotExist:
            if message.channel == Channel.EMAIL:
                raise PermanentError(f"no template {message.template}_subject.txt") from None
            subject = ""
    return " ".join(subject.split()), body


def send(message: Message) -> str:
    """Send through the message's channel; return the provider's reference.

    Raises PermanentError (never retried) or TransientError / any other error (retried later).
    """
    subject, body = render(message)
    if message.channel == Channel.EMAIL:
        return _send_email(message, subject, body)
    return get_provider().send(
        channel=message.channel, to=message.recipient, body=body, idempotency_key=str(message.uuid)
    )


def _send_email(message: Message, subject: str, body: str) -> str:
    try:
        validate_email(message.recipient)
    except ValidationError:
        raise PermanentError("not a valid e-mail address") from None
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "ventanillas.example"
    message_id = f"<{message.uuid}@{domain}>"
    email = EmailMessage(subject=subject, body=body, to=[message.recipient], headers={"Message-ID": message_id})
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError("the mail server refused the address") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"mail server: {type(exc).__name__}") from exc
    return message_id
