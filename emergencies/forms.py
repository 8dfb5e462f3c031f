"""The officers' and staff's forms of crisis mode. They validate and normalise; services change state."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpers.validation import check_moment
from ventanillas import access
from ventanillas.models import Country, InformationWindow

from .models import (
    Arrival,
    Emergency,
    EmergencyText,
    Kind,
    LookingFor,
    Need,
    PointState,
    ServicePoint,
    Severity,
    Vulnerability,
)

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# An emergency may be declared as having started a while ago (the officer writes after the earthquake).
LONGEST_AGO = timedelta(days=30)


class _Dates(forms.Form):
    def clean(self):
        data = super().clean()
        now = timezone.now()
        starts_at, expected = data.get("starts_at"), data.get("expected_end_at")
        if starts_at is not None:
            try:
                check_moment(starts_at, now=now, not_before=now - LONGEST_AGO)
            except forms.ValidationError:
                self.add_error("starts_at", _("Give a start within the last 30 days or in the coming two years."))
        if starts_at is not None and expected is not None and expected <= starts_at:
            self.add_error("expected_end_at", _("The expected end must come after the start."))
        return data


class EmergencyFieldsForm(_Dates):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.SEVERE)
    regions = forms.MultipleChoiceField(
        label=_("Regions affected"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole country."),
    )
    starts_at = forms.DateTimeField(label=_("Start"), widget=MOMENT)
    expected_end_at = forms.DateTimeField(label=_("Expected end"), widget=MOMENT, required=False)
    hotlines = forms.CharField(
        label=_("Hotlines"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Emergency._meta.get_field("hotlines").help_text,
    )

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        regions = (
            InformationWindow.objects.filter(country__in=countries, active=True)
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        self.fields["regions"].choices = [(region, region) for region in regions]


class DeclareForm(EmergencyFieldsForm):
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"), queryset=Country.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language you write in"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=EmergencyText._meta.get_field("title").max_length)
    instructions = forms.CharField(label=_("What to do now"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000)
    field_order = ["countries", "kind", "severity", "regions", "starts_at", "expected_end_at", "language", "title"]

    def __init__(self, *args, user, **kwargs):
        countries = access.emergency_countries(user)
        super().__init__(*args, countries=countries, **kwargs)
        self.fields["countries"].queryset = countries
        if countries.count() == 1:
            self.fields["countries"].initial = list(countries)
        self.fields["starts_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self):
        data = super().clean()
        countries, language = data.get("countries") or [], data.get("language")
        if data.get("regions") and len(countries) > 1:
            self.add_error("regions", _("Choose regions only when declaring for one country."))
        for country in countries:
            if language and language not in country.public_languages:
                self.add_error(
                    "language",
                    _("%(language)s is not a public language of %(country)s.")
                    % {"language": language, "country": country.name},
                )
        return data


class CorrectForm(EmergencyFieldsForm):
    def __init__(self, *args, emergency: Emergency, **kwargs):
        initial = {
            name: getattr(emergency, name)
            for name in ("kind", "severity", "regions", "starts_at", "expected_end_at", "hotlines")
        }
        super().__init__(*args, countries=[emergency.country], initial=initial, **kwargs)


class TextForm(forms.ModelForm):
    class Meta:
        model = EmergencyText
        fields = ["title", "instructions"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 8})}


class PointForm(forms.ModelForm):
    class Meta:
        model = ServicePoint
        fields = [
            "kind",
            "name",
            "address",
            "region",
            "hours",
            "phone",
            "latitude",
            "longitude",
            "capacity",
            "occupancy",
        ]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return data


class PointStateForm(forms.Form):
    """What a clerk sends from a phone: one of three buttons, and how many people are there if they know."""

    state = forms.ChoiceField(choices=PointState.choices)
    occupancy = forms.IntegerField(label=_("People there now"), min_value=0, max_value=1_000_000, required=False)


class ArrivalForm(forms.ModelForm):
    """The surge registration: a clerk fills it by keyboard in seconds (Tab, numbers, Space, Enter)."""

    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Arrival
        fields = [
            "household_size", "language", "needs", "vulnerabilities", "came_from",
            "contact_name", "contact_phone", "contact_consent",
        ]  # fmt: skip
        widgets = {"household_size": forms.NumberInput(attrs={"autofocus": True, "min": 1, "max": 50})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["household_size"].max_value = 50
        self.fields["household_size"].validators.append(MaxValueValidator(50))
        self.fields["household_size"].validators.append(MinValueValidator(1))
        self.fields["language"].initial = country.default_language

    def clean_contact_phone(self):
        from cases.rules import parse_phone

        value = (self.cleaned_data.get("contact_phone") or "").strip()
        if not value:
            return ""
        phone = parse_phone(value, self.country.code)
        if phone is None:
            raise forms.ValidationError(
                _("This is not a phone number (write it with the country code if it is foreign).")
            )
        return phone

    def clean(self):
        data = super().clean()
        if (data.get("contact_name") or data.get("contact_phone")) and not data.get("contact_consent"):
            self.add_error(
                "contact_consent", _("Ask the person's consent before keeping a name or a phone, or leave them empty.")
            )
        return data


class LookingForForm(forms.ModelForm):
    class Meta:
        model = LookingFor
        fields = ["sought_name", "seeker_phone", "seeker_consent"]

    def clean(self):
        data = super().clean()
        if data.get("seeker_phone") and not data.get("seeker_consent"):
            self.add_error(
                "seeker_consent", _("Ask the person's consent before keeping a name or a phone, or leave them empty.")
            )
        return data
