from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value) -> str:
    """A shown cell: a number in the reader's format, or a dash where the figure is withheld."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        # A ratio keeps two decimals (0.45 referrals per case); a median of days has at most one (12.5).
        decimals = 0 if value.is_integer() else 1 if round(value, 1) == value else 2
        return number_format(value, decimal_pos=decimals, force_grouping=True)
    return str(value)
