"""``{{ field|field_group }}``: a form field as crispy-forms' ``as_crispy_field`` writes it, faster for the
common fields (``helpers.field_group``); any other field goes through crispy-forms. ``{{ form|form_fields }}``:
the whole form as ``{% crispy form %}`` writes a form whose helper only leaves out the ``<form>`` tag, its own
errors first, then each field."""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.utils.safestring import mark_safe

from helpers.field_group import field_group as write
from helpers.field_group import non_field_errors, plain, written_here

register = template.Library()


@register.filter
def field_group(field):
    return write(field) if written_here(field) else as_crispy_field(field)


@register.filter
def form_fields(form):
    if not plain(form):
        raise template.TemplateSyntaxError("form_fields writes forms without a crispy-forms layout: use {% crispy %}")
    # Each part is escaped where it is written (helpers.field_group, crispy-forms).
    return mark_safe(non_field_errors(form) + "".join(field_group(field) for field in form))  # noqa: S308  # nosec B308 B703
