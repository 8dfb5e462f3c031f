from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import PIN_LENGTH


class CheckForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        help_text=_("The eight letters and numbers on your slip, for example ABCD-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=12,
        help_text=_("The six digits on your slip."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"]
        if any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError(_("Type the reference as it is on the slip."))
        return value

    def clean_pin(self) -> str:
        value = "".join(ch for ch in self.cleaned_data["pin"] if not ch.isspace())
        if not (value.isascii() and value.isdigit()) or len(value) != PIN_LENGTH:
            raise forms.ValidationError(_("The PIN is six digits."))
        return value


class IssueForm(forms.Form):
    """Issue (or re-issue) the PIN, and send the slip on one of the channels the person consented to."""

    form_token = forms.UUIDField(widget=forms.HiddenInput)
    send_by = forms.ChoiceField(label=_("Also send the slip by"), required=False)

    def __init__(self, *args, channels: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["send_by"].choices = [("", _("Do not send (print it)")), *channels]
