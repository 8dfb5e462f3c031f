"""``{{ field|field_group }}``: a form field as crispy-forms' ``as_crispy_field`` writes it, faster for the
common fields (``helpers.field_group``); any other field goes through crispy-forms."""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template

from helpers.field_group import field_group as write
from helpers.field_group import written_here

register = template.Library()


@register.filter
def field_group(field):
    return write(field) if written_here(field) else as_crispy_field(field)
