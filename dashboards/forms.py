from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpers.validation import EARLIEST_DAY, check_day, latest_day

from . import periods
from .indicators import DIMENSIONS

# A custom period longer than this would make series and comparisons meaningless (and slow).
MAX_CUSTOM_MONTHS = 36


GRID = _(
    "Figures are published for whole months, quarters and years only, so that no choice of days can give back "
    "the small counts the rounding protects; a custom period is a run of whole months."
)


def grid_error(template, day: date, *, last: bool = False) -> str:
    """The rule broken, the nearest days that keep it, and why the grid exists."""
    first = day.replace(day=1)
    if last:
        before = first - timedelta(days=1)
        after = periods.add_months(first, 1) - timedelta(days=1)
    else:
        before, after = first, periods.add_months(first, 1)
    text = template % {"before": date_format(before, "DATE_FORMAT"), "after": date_format(after, "DATE_FORMAT")}
    return f"{text} {gettext(GRID)}"


class PeriodForm(forms.Form):
    """Which period a dashboard (or the API) shows; read from the query string, so it works without JS."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (periods.MONTH, _("Month")),
            (periods.QUARTER, _("Quarter")),
            (periods.YEAR, _("Year")),
            (periods.CUSTOM, _("Whole months")),
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
    start = forms.DateField(
        label=_("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For whole months: the first day of a month."),
    )
    end = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of a month."),
    )
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
            off_grid = False
            if start.day != 1:
                self.add_error("start", grid_error(_("The first day must be the first day of a month, such as "
                                                     "%(before)s or %(after)s."), start))  # fmt: skip
                off_grid = True
            if (end + timedelta(days=1)).day != 1:
                self.add_error("end", grid_error(_("The last day must be the last day of a month, such as "
                                                   "%(before)s or %(after)s."), end, last=True))  # fmt: skip
                off_grid = True
            if off_grid:
                return data
            if periods.months_between(start, end + timedelta(days=1)) > MAX_CUSTOM_MONTHS:
                self.add_error("end", _("A custom period can be at most three years long."))
                return data
            data["period_obj"] = periods.custom(start, end)
        else:
            data["period_obj"] = periods.containing(kind, data.get("on") or self.today)
        return data
