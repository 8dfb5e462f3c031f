from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from helpers.forms import label_blank_choices, with_blank
from helpers.idempotency import OneTimeForm
from helpers.validation import EMAIL_MAX_LENGTH
from ventanillas import access
from ventanillas.models import Country, Membership, Role, Sex

from . import services
from .models import AttendanceMark, Course, Modality, Sector, Session, default_meeting_days
from .services import ParticipantData, normalise_email

LANGUAGE_CHOICES = [("", _("All languages")), *settings.LANGUAGES]


def _search_helper(form: forms.Form, label) -> FormHelper:
    """A GET form whose button has no name: crispy's Submit needs one, and Submit("") renders the invalid
    `name=""` (a named one would add itself to every shared or bookmarked link)."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.layout = Layout(
        *form.fields, Div(StrictButton(label, type="submit", css_class="btn-primary"), css_class="mb-3")
    )
    return helper


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
        self.helper = _search_helper(self, _("Show courses"))
        self.helper.form_class = "row g-2 align-items-end"


class EnrolmentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=160)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We will send a link to this address to confirm it."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=with_blank(Sector.choices))
    country = forms.ModelChoiceField(label=_("Country where you work"), queryset=Country.objects.all())
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(Sex.choices))
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
        label_blank_choices(self)
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
        self.helper = _search_helper(self, _("Verify"))

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
        self.helper = _search_helper(self, _("Show figures"))

    def clean(self) -> dict:
        data = super().clean()
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class CourseForm(OneTimeForm, forms.ModelForm):
    """A course, its title and description in each language; the language of delivery is required."""

    sectors = forms.MultipleChoiceField(
        label=_("Audience sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who the course is for; none for everyone."),
    )

    class Meta:
        model = Course
        fields = [
            *[f"{field}_{code}" for code in LANGUAGE_CODES for field in ("title", "description")],
            "language",
            "sectors",
            "modality",
            "hours",
            "country",
            "completion_threshold",
            "published",
        ]
        widgets = {f"description_{code}": forms.Textarea(attrs={"rows": 3}) for code in LANGUAGE_CODES}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        languages = dict(settings.LANGUAGES)
        for code in LANGUAGE_CODES:
            name = gettext(str(languages[code]))
            self.fields[f"title_{code}"].label = gettext("Title in %(language)s") % {"language": name}
            self.fields[f"description_{code}"].label = gettext("Description in %(language)s") % {"language": name}
        self.regional_allowed = access.trainer_country_ids(user) is None
        country = self.fields["country"]
        country.queryset = Country.objects.filter(access.trainer_country_scope(user, country_path="pk"))
        country.required = not self.regional_allowed
        country.empty_label = _("Regional (every country)") if self.regional_allowed else None
        self.fields["hours"].validators.append(MinValueValidator(Decimal("0.5")))
        self.fields["completion_threshold"].validators += [MinValueValidator(1), MaxValueValidator(100)]
        label_blank_choices(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the course")))

    def clean(self) -> dict:
        data = super().clean()
        language = data.get("language")
        if language:
            if not (data.get(f"title_{language}") or "").strip():
                self.add_error(f"title_{language}", _("Write the title in the language of delivery."))
            if not (data.get(f"description_{language}") or "").strip():
                self.add_error(f"description_{language}", _("Write the description in the language of delivery."))
        return data

    def course_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _local_input(value: dt.datetime | None, zone) -> dt.datetime | None:
    """An aware datetime as the naive local time a trainer types (in the session's country)."""
    return timezone.localtime(value, zone).replace(tzinfo=None) if value else None


def _from_local_input(value: dt.datetime | None, zone) -> dt.datetime | None:
    """What the trainer typed, read as local time in the session's country (not the server's zone)."""
    if value is None:
        return None
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return timezone.make_aware(naive, zone)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LOCAL_DATETIMES = ("enrolment_opens_at", "enrolment_closes_at")


class SessionForm(OneTimeForm, forms.ModelForm):
    """A session of a course. Times are local to the session's country; course and country are fixed
    once the session exists (its enrolments and time zone depend on them)."""

    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https", max_length=200)
    meeting_days = forms.CharField(
        label=_("Meeting days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The dates the session meets, as YYYY-MM-DD, one per line or separated by commas; the first and last "
            "day included. Empty: the first and last day and every weekday (Monday to Friday) between them."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "course",
            "country",
            "starts_on",
            "ends_on",
            "meeting_days",
            "start_time",
            "end_time",
            "venue",
            "online_link",
            "capacity",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "trainers",
            "partner",
            "published",
        ]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "start_time": TIME_INPUT,
            "end_time": TIME_INPUT,
            "enrolment_opens_at": DATETIME_INPUT,
            "enrolment_closes_at": DATETIME_INPUT,
            "trainers": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "enrolment_opens_at": _("Local time in the session's country. Empty: enrolment is open now."),
            "enrolment_closes_at": _("Local time in the session's country. Empty: enrolment closes when it starts."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        countries = Country.objects.filter(access.trainer_country_scope(user, country_path="pk"))
        self.fields["course"].queryset = Course.objects.usable_by(user)
        self.fields["country"].queryset = countries
        trainer_rows = Membership.objects.filter(role=Role.TRAINER).filter(
            Q(country__isnull=True) | Q(country__in=countries)
        )
        self.fields["trainers"].queryset = (
            get_user_model().objects.filter(pk__in=trainer_rows.values("user"), is_active=True).order_by("username")
        )
        self.fields["partner"].queryset = self.fields["partner"].queryset.select_related("country")  # names' language
        self.fields["capacity"].validators.append(MinValueValidator(1))
        self.fields["venue"].help_text = _("Needed for a course in person or mixed.")
        self.fields["online_link"].help_text = _("Needed for a course online or mixed.")
        if self.instance.pk:
            self.fields["course"].disabled = True
            self.fields["country"].disabled = True
            for name in LOCAL_DATETIMES:
                self.initial[name] = _local_input(getattr(self.instance, name), self.instance.country.zoneinfo)
            self.initial["meeting_days"] = "\n".join(day.isoformat() for day in self.instance.days)
        label_blank_choices(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the session")))

    def clean_meeting_days(self) -> list[dt.date]:
        days = set()
        for text in self.cleaned_data["meeting_days"].replace(",", " ").split():
            try:
                days.add(dt.date.fromisoformat(text))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date: write it as YYYY-MM-DD."), params={"value": text}
                ) from None
        return sorted(days)

    def clean(self) -> dict:
        data = super().clean()
        course, country = data.get("course"), data.get("country")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if course and country and course.country_id and course.country_id != country.pk:
            self.add_error(
                "country",
                _("This course belongs to %(country)s: its sessions take place there.")
                % {"country": course.country.name},
            )
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day must not be before the first day."))
        elif starts_on and ends_on and (ends_on - starts_on).days >= services.MAX_SESSION_DAYS:
            self.add_error("ends_on", _("A session lasts at most a year."))
        elif starts_on and ends_on and "meeting_days" in data:
            self._check_days(data, starts_on, ends_on)
        today = timezone.localtime(timezone.now(), country.zoneinfo).date() if country else None
        if today and starts_on and starts_on != self.instance.starts_on and starts_on < today:
            self.add_error("starts_on", _("The first day must not be in the past."))
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The daily end must be after the daily start."))
        if course:
            if course.modality in (Modality.IN_PERSON, Modality.MIXED) and not data.get("venue"):
                self.add_error("venue", _("This course meets in person: give the venue."))
            if course.modality in (Modality.ONLINE, Modality.MIXED) and not data.get("online_link"):
                self.add_error("online_link", _("This course meets online: give the link."))
        if country:
            for name in LOCAL_DATETIMES:
                data[name] = _from_local_input(data.get(name), country.zoneinfo)
        opens, closes = data.get("enrolment_opens_at"), data.get("enrolment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrolment_closes_at", _("Enrolment must close after it opens."))
        if today:
            bounded = {name: data.get(name) for name in services.BOUNDED_FIELDS if name not in self.errors}
            try:
                services.check_session_bounds(bounded, today)
            except services.TrainingError as error:
                self.add_error(error.field, str(error))
        return data

    def _check_days(self, data: dict, starts_on: dt.date, ends_on: dt.date) -> None:
        """Meeting days within the period, first and last included; stored as ISO dates."""
        days = data["meeting_days"] or default_meeting_days(starts_on, ends_on)
        if any(day < starts_on or day > ends_on for day in days):
            self.add_error("meeting_days", _("Every meeting day must be between the first and the last day."))
        elif days[0] != starts_on or days[-1] != ends_on:
            self.add_error("meeting_days", _("The first and the last day must be meeting days."))
        data["meeting_days"] = [day.isoformat() for day in days]

    def session_data(self) -> dict:
        """The session's fields for the service (the trainers apart; course and country only when new)."""
        names = [n for n in self.Meta.fields if n != "trainers" and not self.fields[n].disabled]
        return {name: self.cleaned_data[name] for name in names}
