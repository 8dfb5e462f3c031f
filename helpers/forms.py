"""What every form of the portal shares."""

from __future__ import annotations

import math

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validation import control_characters

DJANGO_BLANK = "---------"
CHOOSE = _("Choose…")
NONE = _("None")


def label_blank_choices(form: forms.BaseForm) -> None:
    """Replace Django's "---------" blank choice (the same in every language) with words the reader reads.

    A required select says "Choose…"; an optional one says "None", which is what leaving it blank means.
    Call it at the end of a form's ``__init__``, once the fields' choices are set.
    """
    for field in form.fields.values():
        label = CHOOSE if field.required else NONE
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_BLANK:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "" and choices[0][1] == DJANGO_BLANK:
                field.choices = [("", label), *choices[1:]]


def with_blank(choices, label=CHOOSE) -> list:
    """A required select that starts on an empty choice, so that nobody is counted in the first option
    (a sex, a sector) just because they did not open the list."""
    return [("", label), *choices]


def _storable(value) -> bool:
    """Whether a parsed JSON value can be stored: PostgreSQL's jsonb refuses NaN and the infinities (which
    Python's parser accepts, and makes of ``1e400`` too), and NUL in text; no control character or lone
    surrogate belongs in a record either."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not control_characters(value) and not any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


class StorableJSONField(forms.JSONField):
    """Django's JSON form field, refusing with a form error what the database would refuse with a 500:
    NaN, Infinity, numbers too large for a float, NUL and other control characters in text. The admin uses
    it for every JSON field (``formfield_overrides``, checked by tests/portal/test_admin_numbers.py)."""

    default_error_messages = {
        "unstorable": _(
            "Write numbers with digits only (not NaN or Infinity, nor too large), and text without control characters."
        ),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not _storable(value):
            raise ValidationError(self.error_messages["unstorable"], code="unstorable")
        return value


# For an admin's ``formfield_overrides``: its JSON fields refuse what the database would refuse.
STORABLE_JSON = {models.JSONField: {"form_class": StorableJSONField}}
