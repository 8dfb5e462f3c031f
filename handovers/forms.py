"""The forms of a handover: start, SMS code, route, decline, and the choice of a person on acceptance."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpers.validation import prohibit_control_characters
from ventanillas.models import InformationWindow

from .models import ConsentMethod, Part, Purpose


class StartForm(forms.Form):
    to_country = forms.TypedChoiceField(label=_("Receiving country"), coerce=int)
    to_window = forms.TypedChoiceField(
        label=_("Receiving window"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty to send it to the country: its officer chooses the window."),
    )
    parts = forms.MultipleChoiceField(
        label=_("What is shared"), choices=Part.choices, widget=forms.CheckboxSelectMultiple
    )
    notes_shared = forms.MultipleChoiceField(
        label=_("Notes shared, one by one"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No note is shared unless it is ticked here."),
    )
    purpose = forms.ChoiceField(label=_("Why"), choices=Purpose.choices)
    consent_method = forms.ChoiceField(
        label=_("How the person gave their consent"),
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.NONE],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Not asked when the rule of the pair of countries allows the handover without consent."),
    )
    consent_language = forms.ChoiceField(
        label=_("Language of the notice read to the person"), choices=settings.LANGUAGES
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, countries, notes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_country"].choices = [("", "—")] + [(c.pk, c.name) for c in countries]
        windows = (
            InformationWindow.objects.filter(country__in=countries)
            .select_related("country")
            .order_by("country__name", "name")
        )
        self.fields["to_window"].choices = [("", _("The country (its officer routes it)"))] + [
            (w.pk, f"{w.country.name} · {w.name}") for w in windows
        ]
        self.fields["notes_shared"].choices = notes
        self.initial.setdefault("form_token", uuid.uuid4())


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The code the person received"), max_length=12)


class RouteForm(forms.Form):
    window = forms.TypedChoiceField(label=_("Window"), coerce=int)

    def __init__(self, *args, windows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(w.pk, w.name) for w in windows]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the handover is declined"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        validators=[prohibit_control_characters],
    )


class AcceptForm(forms.Form):
    person = forms.ChoiceField(label=_("The person"), widget=forms.RadioSelect)

    def __init__(self, *args, matches, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(m.person.pk), str(m.person)) for m in matches] + [
            ("new", _("None of these: register the person from the handover"))
        ]
