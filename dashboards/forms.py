from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.validation import EARLIEST_DAY, check_day, latest_day

from . import periods
from .indicators import DIMENSIONS

# A custom period longer than this would make series and comparisons meaningless (and slow).
MAX_CUSTOM_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """Which period a dashboard (or the API) shows; read from the query string, so it works without JS."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (periods.MONTH, _("Month")),
            (periods.QUARTER, _("Quarter")),
            (periods.YEAR, _("Year")),
            (periods.CUSTOM, _("Custom dates")),
        ],
        initial=periods.MONTH,
        required=False,
    )
    on = forms.DateField(
        label=_("Any day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a month, quarter or year."),
    )
    start = forms.DateField(label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("Breakdown"), required=False)

    def __init__(self, *args, today: date, dimensions: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        codes = dimensions if dimensions is not None else list(DIMENSIONS)
        self.fields["by"].choices = [(code, DIMENSIONS[code].name) for code in codes]
        self.fields["by"].initial = codes[0] if codes else ""

    def _clean_day(self, name: str):
        """A day within the programme's years: from 2000 to the end of the year after next (no figure lies
        outside, and the period before a day in year 1 or after one in year 9999 does not exist)."""
        value = self.cleaned_data.get(name)
        if value is not None:
            check_day(value, today=self.today, earliest=EARLIEST_DAY, latest=latest_day(self.today))
        return value

    def clean_on(self):
        return self._clean_day("on")

    def clean_start(self):
        return self._clean_day("start")

    def clean_end(self):
        return self._clean_day("end")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("period") or periods.MONTH
        data["by"] = data.get("by") or self.fields["by"].initial
        if kind == periods.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give the first and the last day of a custom period."))
            if end < start:
                self.add_error("end", _("The last day cannot be before the first day."))
                return data
            if (end - start).days >= MAX_CUSTOM_DAYS:
                self.add_error("end", _("A custom period can be at most three years long."))
                return data
            data["period_obj"] = periods.custom(start, end)
        else:
            data["period_obj"] = periods.containing(kind, data.get("on") or self.today)
        return data
