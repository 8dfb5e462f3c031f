"""Replies to the programme's number that other apps answer (a person giving back a handover's consent code).

The webhook (``inbound``) imports no other domain app, so an app that waits for a reply registers a handler
in its ``ready()``: ``register(handler)`` where ``handler(channel=, number=, body=, message_id=)`` answers
the message and returns True when it is its own, else False. A message no handler claims is a status
question.
"""

from __future__ import annotations

from collections.abc import Callable

_handlers: list[Callable[..., bool]] = []


def register(handler: Callable[..., bool]) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def handle(*, channel: str, number: str, body: str, message_id: str | None) -> bool:
    """Offer the message to each registered handler in turn; True once one has answered it."""
    return any(handler(channel=channel, number=number, body=body, message_id=message_id) for handler in _handlers)
