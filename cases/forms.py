"""Forms of the staff pages: they validate and normalise, and never change anything themselves."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpers.forms import label_blank_choices
from helpers.validation import EARLIEST_DAY, check_day, check_moment
from ventanillas import access
from ventanillas.models import InformationWindow, PartnerOrganisation, Role, Service, Sex

from .countries import countries, nationality_choices
from .models import (
    AgeGroup,
    Channel,
    ChecklistStatus,
    CloseReason,
    ConsentKind,
    DocumentType,
    Gender,
    HouseholdMember,
    LegalBasis,
    ReferralStatus,
    RegularizationPathway,
    Stage,
    Topic,
    Vulnerability,
)
from .services import PERMIT_NUMBER_RE, normalise_permit_number, window_today

# No one the windows serve was born before this day: a year 1 would be counted as "60 and over".
EARLIEST_BIRTH = date(1900, 1, 1)

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
DOCUMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,39}$")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(forms.Form):
    """A crispy form without its own <form> tag: the template writes the tag, the token and the button."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        label_blank_choices(self)


class OneTimeFormMixin(forms.Form):
    """A hidden token minted when the form is shown: submitting the same form twice creates one record."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())


def window_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Window"), queryset=access.visible_windows(user, write=True), empty_label=None
    )


def staff_users(windows) -> forms.ModelChoiceField:
    """Staff of the given windows, to assign cases and follow-ups to."""
    users = (
        get_user_model()
        .objects.filter(memberships__role=Role.WINDOW_STAFF, memberships__window__in=windows, is_active=True)
        .distinct()
    )
    return forms.ModelChoiceField(label=_("Assigned to"), queryset=users, required=False)


def _not_future(value: date | None, message) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class ConsultationForm(OneTimeFormMixin, StaffForm):
    window = forms.ModelChoiceField(label=_("Window"), queryset=InformationWindow.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    # Every country by name, sorted in the reader's language, after "Not stated" and the answers naming none.
    nationality = forms.ChoiceField(label=_("Nationality"), choices=nationality_choices, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN)
    referred = forms.BooleanField(label=_("Referred to a partner"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = access.visible_windows(user, write=True)
        window = self.fields["window"].queryset.first()
        self.initial.setdefault("window", window)
        self.initial.setdefault("date", window_today(window) if window else timezone.localdate())

    def clean_date(self) -> date:
        day = _not_future(self.cleaned_data["date"], _("The date cannot be in the future."))
        # Nothing happened at a window before the programme's first day (a year 1 would make roll-ups for it).
        check_day(day, today=timezone.localdate(), earliest=EARLIEST_DAY, latest=day)
        return day


class PersonSearchForm(StaffForm):
    names = forms.CharField(label=_("Names"), max_length=200, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    consultation = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(f) for f in ("names", "date_of_birth", "document_number", "phone")):
            raise forms.ValidationError(_("Enter a name, a date of birth, a document number or a phone."))
        return data


class PersonForm(StaffForm):
    given_names = forms.CharField(label=_("Given names"), max_length=120)
    family_names = forms.CharField(label=_("Family names"), max_length=120, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("When the date of birth is not known."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    # Every country by name, sorted in the reader's language, after "Not stated" and the answers naming none.
    nationality = forms.ChoiceField(label=_("Nationality"), choices=nationality_choices, required=False)
    document_type = forms.ChoiceField(
        label=_("Identity document"), choices=[("", "—"), *DocumentType.choices], required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    # Every country of the maintained list, named and sorted in the reader's language when the form is shown.
    document_country = forms.ChoiceField(
        label=_("Issuing country"), choices=lambda: [("", "—"), *countries], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    whatsapp = forms.CharField(label=_("WhatsApp"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ChoiceField(label=_("Legal basis for holding the data"), choices=LegalBasis.choices)

    def clean_date_of_birth(self) -> date | None:
        born = _not_future(self.cleaned_data["date_of_birth"], _("The date of birth cannot be in the future."))
        if born is not None:  # a person born in year 1 would be counted as "60 and over"
            check_day(born, today=timezone.localdate(), earliest=EARLIEST_BIRTH, latest=born)
        return born

    def clean_document_number(self) -> str:
        value = self.cleaned_data["document_number"].strip()
        if value and not DOCUMENT_RE.match(value):
            raise forms.ValidationError(_("A document number has letters and digits only (3 to 40)."))
        return value.upper()

    def _phone(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(
                _("Enter a phone number with digits, optionally starting with + and the country code.")
            )
        return value

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_whatsapp(self) -> str:
        return self._phone("whatsapp")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("document_number") and not data.get("document_type"):
            self.add_error("document_type", _("Choose the type of the document."))
        age = data.pop("estimated_age", None)
        data["birth_date_estimated"] = False
        if not data.get("date_of_birth") and age is not None:
            data["date_of_birth"] = date(timezone.localdate().year - age, 1, 1)
            data["birth_date_estimated"] = True
        return data

    def person_data(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("vulnerabilities", "consents", "form_token", "window")
        }


class NewPersonForm(OneTimeFormMixin, PersonForm):
    window = forms.ModelChoiceField(label=_("Window"), queryset=InformationWindow.objects.none(), empty_label=None)
    consents = forms.MultipleChoiceField(
        label=_("Consents given after reading the notice"),
        choices=ConsentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = access.visible_windows(user, write=True)
        self.initial.setdefault("window", self.fields["window"].queryset.first())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("legal_basis") == LegalBasis.CONSENT and ConsentKind.PROCESSING not in data.get("consents", []):
            self.add_error(
                "consents",
                _("The person must consent to the processing of their data, or choose another legal basis."),
            )
        return data


class ConsentForm(StaffForm):
    kinds = forms.MultipleChoiceField(
        label=_("Consents given"), choices=ConsentKind.choices, widget=forms.CheckboxSelectMultiple
    )
    notice_language = forms.ChoiceField(label=_("Language of the notice"), choices=settings.LANGUAGES)


class WithdrawConsentForm(StaffForm):
    kind = forms.ChoiceField(label=_("Consent to withdraw"), choices=ConsentKind.choices)


class HouseholdMemberForm(OneTimeFormMixin, StaffForm):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=HouseholdMember.Relationship.choices)
    given_names = forms.CharField(label=_("Given names"), max_length=120, required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)


class EraseConfirmForm(StaffForm):
    """The administrator types the record number: a slip of the mouse cannot erase anyone."""

    confirmation = forms.CharField(label=_("Type the record number to confirm"), max_length=20)

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["confirmation"].help_text = _("The record number of this person is %(number)s.") % {
            "number": person.pk
        }

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip().lstrip("#")
        if value != str(self.person.pk):
            raise forms.ValidationError(_("The number typed is not this person's record number."))
        return value


class MergeForm(StaffForm):
    duplicate = forms.IntegerField(label=_("Number of the duplicate record"), min_value=1)


class CaseForm(OneTimeFormMixin, StaffForm):
    window = forms.ModelChoiceField(label=_("Window"), queryset=InformationWindow.objects.none(), empty_label=None)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        windows = access.visible_windows(user, write=True)
        self.fields["window"].queryset = windows
        self.fields["assigned_to"].queryset = staff_users(windows).queryset
        self.initial.setdefault("window", windows.first())
        self.initial.setdefault("assigned_to", user.pk)


class CaseEditForm(StaffForm):
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff_users([case.window]).queryset


class CloseCaseForm(StaffForm):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=CloseReason.choices)


class StartProcessForm(StaffForm):
    pathway = forms.ModelChoiceField(label=_("Pathway"), queryset=RegularizationPathway.objects.none())
    on = forms.DateField(label=_("Started on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pathway"].queryset = RegularizationPathway.objects.filter(
            country_id=case.window.country_id, active=True
        )
        self.initial.setdefault("on", window_today(case.window))


class MoveProcessForm(StaffForm):
    to = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT, required=False)
    permit_number = forms.CharField(label=_("Permit number"), max_length=60, required=False)
    permit_type = forms.CharField(label=_("Permit type"), max_length=120, required=False)
    permit_expires_on = forms.DateField(label=_("Permit expires on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, window: InformationWindow, allowed: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # only the moves the workflow allows are offered; a stale choice still reaches the service,
            # which says why the move is refused
            self.fields["to"].widget.choices = [(v, label) for v, label in Stage.choices if v in allowed]
        self.initial.setdefault("on", window_today(window))

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data["on"], _("The date cannot be in the future."))

    # The permit's type and expiry are checked by the service, after the move itself: a move the workflow
    # refuses is the first thing the staffer must read.
    def clean_permit_number(self) -> str:
        return _permit_number(self.cleaned_data["permit_number"])


def _permit_number(value: str) -> str:
    value = normalise_permit_number(value)
    if value and not PERMIT_NUMBER_RE.match(value):
        raise forms.ValidationError(
            _("A permit number has letters, digits, spaces, dots, slashes or dashes only (3 to 60).")
        )
    return value


def _check_permit_fields(form: forms.Form, data: dict, *, decided_on: date | None) -> None:
    if not data.get("permit_type", "").strip() and "permit_type" not in form.errors:
        form.add_error("permit_type", _("Enter the type of permit granted."))
    expires = data.get("permit_expires_on")
    if expires and decided_on and expires <= decided_on:
        form.add_error("permit_expires_on", _("The permit must expire after the date of approval."))


class PermitForm(StaffForm):
    """Record or correct the permit of an approved process."""

    permit_type = forms.CharField(label=_("Permit type"), max_length=120)
    permit_number = forms.CharField(label=_("Permit number"), max_length=60, required=False)
    permit_expires_on = forms.DateField(label=_("Permit expires on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, decided_on: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decided_on = decided_on

    def clean_permit_number(self) -> str:
        return _permit_number(self.cleaned_data["permit_number"])

    def clean(self) -> dict:
        data = super().clean()
        _check_permit_fields(self, data, decided_on=self.decided_on)
        return data


class ChecklistForm(StaffForm):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistStatus.choices)


class AppointmentForm(OneTimeFormMixin, StaffForm):
    """Staff type the time as the clock reads in the window's country (``zone``), whatever the server's."""

    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args, zone: ZoneInfo, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        if self.initial.get("at"):
            self.initial["at"] = timezone.make_naive(self.initial["at"], zone)

    def clean_at(self) -> datetime:
        # The field made the typed wall-clock time aware in the server's zone: read it in the country's.
        try:
            at = timezone.make_aware(timezone.make_naive(self.cleaned_data["at"]), self.zone)
        except (OverflowError, ValueError):
            raise forms.ValidationError(_("Choose a time in the future.")) from None
        # Not in the past, and within the next two years: 9999-12-31 23:59 in the window's zone is year
        # 10000 in UTC, which the database stores but can never read back (the case page would fail).
        check_moment(at, now=timezone.now())
        return at


class MoveAppointmentForm(AppointmentForm):
    form_token = None  # moving changes a record: sending it twice moves it to the same time


class FollowUpForm(OneTimeFormMixin, StaffForm):
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None)
    note = forms.CharField(label=_("What to do"), max_length=300)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff_users([case.window]).queryset

    def clean_due_on(self) -> date:
        due_on = self.cleaned_data["due_on"]
        check_day(due_on, today=timezone.localdate())
        return due_on


class ReferralForm(OneTimeFormMixin, StaffForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=PartnerOrganisation.objects.none())
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(
            Q(country_id=case.window.country_id) | Q(country__isnull=True), active=True
        ).select_related("country")


class ReferralUpdateForm(StaffForm):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    feedback = forms.CharField(
        label=_("Partner's feedback"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PartnerAnswerForm(forms.Form):
    """The partner's answer to a referral, through its signed link (no account)."""

    status = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (s, ReferralStatus(s).label)
            for s in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED)
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the window"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write more about the person than the window needs to follow up."),
    )
