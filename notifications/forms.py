from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpers.forms import CHOOSE
from helpers.validation import EARLIEST_DAY
from ventanillas import access
from ventanillas.models import Country, Role

from .models import Report
from .reports import add_months


class ReportRequestForm(forms.Form):
    """Ask for a report of a past month (of one country) or of a past quarter (the whole region)."""

    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices, initial=Report.Kind.MONTHLY)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("For a monthly country report."),
    )
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Year and month, for example 2026-03. For a quarterly report, any month of the quarter."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = access.aggregate_countries(user)
        if not access.has_role(user, Role.REGIONAL_OFFICER):
            self.fields["kind"].choices = [(Report.Kind.MONTHLY, Report.Kind.MONTHLY.label)]
        self.helper = FormHelper()
        self.helper.add_input(Submit("build", _("Build the report")))

    def clean(self):
        data = super().clean()
        kind, month = data.get("kind"), data.get("month")
        if kind == Report.Kind.MONTHLY and not data.get("country"):
            self.add_error("country", _("Choose the country of the report."))
        if month is None:
            return data
        today = timezone.localdate()
        if not EARLIEST_DAY <= month <= today:  # 9999-12 has no month after it; figures start in 2000
            self.add_error("month", _("Choose a period that has ended."))
            return data
        if kind == Report.Kind.QUARTERLY:
            start = date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
            end = add_months(start, 3)
            data["country"] = None
        else:
            start = month.replace(day=1)
            end = add_months(start, 1)
        if end > today:
            self.add_error("month", _("Choose a period that has ended."))
        data["period_start"], data["period_end"] = start, end
        return data
