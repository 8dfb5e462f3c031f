"""A message's context: JSON, with dates and aware datetimes kept as such. Shared by the services that
store it and the channels that render it, and importing neither."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from django.db import models
from django.utils import timezone


class _ContextEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, datetime):
            if timezone.is_naive(o):
                raise ValueError("Pass aware datetimes in a message context.")
            return {"__datetime__": o.isoformat()}
        if isinstance(o, date):
            return {"__date__": o.isoformat()}
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, models.Model):
            raise TypeError("Pass plain values, not model instances, in a message context.")
        return super().default(o)


def _revive(obj: dict):
    if set(obj) == {"__datetime__"}:
        return datetime.fromisoformat(obj["__datetime__"])
    if set(obj) == {"__date__"}:
        return date.fromisoformat(obj["__date__"])
    return obj


def dump_context(context: dict) -> str:
    return json.dumps(context or {}, cls=_ContextEncoder, sort_keys=True)


def load_context(text: str) -> dict:
    return json.loads(text or "{}", object_hook=_revive)


TO_MASK = "_mask"  # the context's list of keys whose values must not stay at rest (a PIN)
MASK = "••••••"


def mask(context: dict) -> dict:
    """The context with the values of its secret keys masked (the message can still be shown)."""
    secret = context.get(TO_MASK) or []
    return {k: (MASK if k in secret and v else v) for k, v in context.items()}


def masked_text(text: str) -> str:
    """A stored context (JSON) with its secrets masked."""
    return dump_context(mask(load_context(text)))
