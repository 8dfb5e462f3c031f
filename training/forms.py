from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ventanillas.models import Country

from .models import AttendanceMark, Sector, Sex
from .services import ParticipantData, normalise_email

LANGUAGE_CHOICES = [("", _("All languages")), *settings.LANGUAGES]


class CatalogueFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.add_input(Submit("", _("Show courses")))


class EnrolmentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=160)
    email = forms.EmailField(label=_("E-mail"), help_text=_("We will send a link to this address to confirm it."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    country = forms.ModelChoiceField(label=_("Country where you work"), queryset=Country.objects.all())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    language = forms.ChoiceField(
        label=_("Language of our messages"), choices=settings.LANGUAGES, help_text=_("We will write to you in it.")
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the programme keeps these details to manage my enrolment, issue my certificate and "
            "count the people trained."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()
        self.helper = FormHelper()
        self.helper.add_input(Submit("enrol", _("Enrol")))

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def participant_data(self) -> ParticipantData:
        data = self.cleaned_data
        return ParticipantData(
            email=data["email"],
            name=data["name"],
            sector=data["sector"],
            sex=data["sex"],
            country_id=data["country"].pk,
            language=data["language"],
            phone=data["phone"],
            institution=data["institution"],
        )


class AttendanceForm(forms.Form):
    """One radio group per participant holding a seat; field names are ``mark_<enrolment id>``."""

    def __init__(self, *args, enrolments, marks: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for enrolment in self.enrolments:
            self.fields[f"mark_{enrolment.pk}"] = forms.ChoiceField(
                label=enrolment.participant.name,
                choices=AttendanceMark.choices,
                initial=marks.get(enrolment.pk, AttendanceMark.PRESENT),
                widget=forms.RadioSelect,
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save attendance")))

    def marks(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"mark_{e.pk}"] for e in self.enrolments}


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 text, with a header line; commas or semicolons between columns.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.add_input(Submit("preview", _("Preview")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB: split it into smaller files."))
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, submit_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Confirm"), css_class="btn-danger"))


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("", _("Verify")))

    def clean_code(self) -> str:
        return "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())


class ExportForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, empty_label=_("All countries")
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("All")), *Sex.choices], required=False)
    start = forms.DateField(label=_("Completed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Completed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("", _("Show figures")))

    def clean(self) -> dict:
        data = super().clean()
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data
