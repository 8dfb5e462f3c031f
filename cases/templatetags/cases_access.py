"""What a page may offer the user: links to forms the user may not fill would end on a 403 page."""

from __future__ import annotations

from django import template

from ventanillas import access

register = template.Library()


@register.filter
def writable_by(window, user) -> bool:
    """``{% if consultation.window|writable_by:user %}``: the user may change that window's records."""
    return access.can_write_window(user, window)


@register.simple_tag(takes_context=True)
def works_at_a_window(context) -> bool:
    """``{% works_at_a_window as can_log %}``: the user may log consultations and open cases somewhere."""
    user = context["request"].user
    return access.is_administrator(user) or bool(access.staff_window_ids(user))
