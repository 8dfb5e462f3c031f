"""When a message may go out: the quiet hours of SMS and WhatsApp, and the settings of the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import Channel


def setting(name: str, default):
    return getattr(settings, name, default)


# -- quiet hours -------------------------------------------------------------------------------------------


def quiet_hours() -> tuple[int, int]:
    """(start, end) hours, local time, during which no SMS or WhatsApp goes out."""
    return tuple(setting("NOTIFICATIONS_QUIET_HOURS", (20, 8)))


def out_of_quiet_hours(when: datetime, time_zone: str) -> datetime:
    """``when`` itself, or the end of the quiet hours it falls in (in ``time_zone``)."""
    start, end = quiet_hours()
    if not time_zone or start == end:
        return when
    zone = ZoneInfo(time_zone)
    local = when.astimezone(zone)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return when
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=zone).astimezone(when.tzinfo or UTC)


def due_for_channel(channel: str, due: datetime, time_zone: str) -> datetime:
    if channel in (Channel.SMS, Channel.WHATSAPP):
        return out_of_quiet_hours(due, time_zone)
    return due
