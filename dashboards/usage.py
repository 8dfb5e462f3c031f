"""What each API token asks, counted per day, and the limits that stop a token sweeping the figures.

Every request is counted (``ApiTokenDay``) and limited per hour; every distinct period a token asks for on
a day is counted too, and past ``API_PERIODS_PER_DAY`` the token gets 429 until the next day. Administrators
read the counts beside each token in the admin.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpers import throttle

from .models import ApiToken, ApiTokenDay, ApiTokenPeriod


def _today() -> date:
    return timezone.localdate()


def _day(token: ApiToken) -> ApiTokenDay:
    found, _created = ApiTokenDay.objects.get_or_create(token=token, day=_today())
    return found


def count_request(token: ApiToken) -> bool:
    """Count one request; False when the token has used its requests of this hour."""
    allowed = throttle.allow_key(f"api-token:{token.pk}", limit=settings.API_REQUESTS_PER_HOUR, period=3600)
    field = "requests" if allowed else "refused"
    ApiTokenDay.objects.filter(pk=_day(token).pk).update(**{field: F(field) + 1})
    return allowed


def count_period(token: ApiToken, start: date, end: date) -> bool:
    """Count a period asked for; False when it is a new one past the day's number of distinct periods."""
    today = _today()
    day = _day(token)
    if ApiTokenPeriod.objects.filter(token=token, day=today, start=start, end=end).exists():
        return True
    with transaction.atomic():
        day = ApiTokenDay.objects.select_for_update().get(pk=day.pk)
        if day.periods >= settings.API_PERIODS_PER_DAY:
            ApiTokenDay.objects.filter(pk=day.pk).update(refused=F("refused") + 1)
            return False
        _period, created = ApiTokenPeriod.objects.get_or_create(token=token, day=today, start=start, end=end)
        if created:
            ApiTokenDay.objects.filter(pk=day.pk).update(periods=F("periods") + 1)
    ApiTokenPeriod.objects.filter(day__lt=today).delete()
    return True
