"""Render a message in its recipient's language and hand it to its channel (imports no service: the services
and the dispatcher import it)."""

from __future__ import annotations

import smtplib
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.backends.django import get_installed_libraries
from django.utils import timezone, translation

from .context import load_context
from .models import Channel, Message
from .providers import PermanentError, TransientError, Unsubscribed, get_provider

__all__ = ["PermanentError", "TransientError", "Unsubscribed", "render", "send"]


@cache
def text_engine() -> Engine:
    """The project's templates without HTML escaping: these are plain-text messages."""
    options = settings.TEMPLATES[0]
    return Engine(
        dirs=[str(d) for d in options.get("DIRS", [])],
        app_dirs=True,
        autoescape=False,
        libraries={**get_installed_libraries(), **options.get("OPTIONS", {}).get("libraries", {})},
        builtins=["django.templatetags.i18n", "django.templatetags.tz"],
    )


def render(message: Message) -> tuple[str, str]:
    """(subject, body) of a message, in its language and in its recipient's time zone; templates also
    get ``today``, the recipient's local date at sending.

    A missing or broken template is a PermanentError: sending again cannot mend it. SMS and WhatsApp
    need no subject template.
    """
    context = load_context(message.context)
    zone = ZoneInfo(message.time_zone) if message.time_zone else timezone.get_default_timezone()
    with translation.override(message.language), timezone.override(zone):
        # The recipient's day when the message leaves (not when it was queued): a reminder sent on the
        # day itself says "today", whatever it was written for.
        context = {**context, "today": timezone.localdate()}
        body = _render(f"{message.template}_body.txt", context, required=True)
        subject = _render(f"{message.template}_subject.txt", context, required=message.channel == Channel.EMAIL)
    return " ".join(subject.split()), body.strip()


def _render(name: str, context: dict, *, required: bool) -> str:
    try:
        return text_engine().get_template(name).render(Context(context))
    except TemplateDoesNotExist:
        if required:
            raise PermanentError(f"no template {name}") from None
        return ""
    except TemplateSyntaxError as exc:
        raise PermanentError(f"template error in {name}: {exc}") from None


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
