"""What every form of the portal shares."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
