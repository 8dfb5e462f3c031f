"""The administrators' form that sends one period to DHIS2 from the admin."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import dhis2


class SendForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=8,
        help_text=_("A month (202603), a quarter (2026Q1) or a year (2026), as DHIS2 writes it."),
    )
    payload_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", _("JSON data value set")), ("adx", "ADX (XML)")],
        help_text=_("Both carry the same values; ADX needs the data set (DHIS2_DATA_SET)."),
    )
    dry_run_only = forms.BooleanField(
        label=_("Dry run only"),
        required=False,
        help_text=_("DHIS2 checks the values and stores nothing."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payload_format"].initial = settings.DHIS2_FORMAT

    def clean_period(self) -> str:
        code = self.cleaned_data["period"].strip()
        try:
            return dhis2.period_code(dhis2.parse_period(code))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
