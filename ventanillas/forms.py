from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InformationWindow, Service

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class WindowContactForm(forms.ModelForm):
    """What window staff keep up to date themselves: how the public reaches them and what they offer."""

    services = forms.MultipleChoiceField(
        label=_("Services offered"), choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = InformationWindow
        fields = ["phone", "whatsapp", "email", "services"]
        help_texts = {
            "phone": _("With the country code, for example +506 2222 3333."),
            "whatsapp": _("With the country code, for example +506 8888 7777."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def _clean_phone_number(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(
                _("Enter a phone number with digits only, optionally starting with + and the country code.")
            )
        return value

    def clean_phone(self) -> str:
        return self._clean_phone_number("phone")

    def clean_whatsapp(self) -> str:
        return self._clean_phone_number("whatsapp")
