"""The forms of a register import: the upload, the columns, the values no list knew."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanillas import access

from . import fields as F
from .models import Decision

MAX_BYTES = 60 * 1024 * 1024  # a 200,000-row workbook of a window's register is well under this


class UploadForm(forms.Form):
    window = forms.ModelChoiceField(queryset=None, label=_("Window"), empty_label=None)
    kind = forms.ChoiceField(choices=F.KINDS, label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx; the first sheet is read, and you can choose another next) or a CSV file "
            "in UTF-8, with the names of the columns in its first row. KoBoToolbox exports are read as they come."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = access.visible_windows(user, write=True).select_related("country")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 60 MB. Split it and import the parts."))
        return upload


class SheetForm(forms.Form):
    """Which sheet of the workbook to import (the first by default)."""

    def __init__(self, *args, register, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"] = forms.ChoiceField(
            choices=[(name, name) for name in register.sheets],
            initial=register.sheet or next(iter(register.sheets), ""),
            label=_("Sheet"),
            widget=forms.Select(attrs={"class": "form-select"}),
        )


class ColumnsForm(forms.Form):
    """One choice per column of the file: the field it fills, or nothing."""

    def __init__(self, *args, register, samples: list[list], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("— not imported —")), *((f.code, f.label) for f in F.FIELDS[register.kind])]
        for index, header in enumerate(register.headers):
            shown = [str(row[index]) for row in samples if index < len(row) and str(row[index])]
            self.fields[f"col_{index}"] = forms.ChoiceField(
                choices=options,
                required=False,
                label=header or _("Column %(number)d") % {"number": index + 1},
                initial=register.columns.get(str(index), ""),
                help_text=_("For example: %(values)s") % {"values": "; ".join(shown[:3])} if shown else "",
            )

    def columns(self) -> dict[str, str]:
        return {name.removeprefix("col_"): value for name, value in self.cleaned_data.items()}


class ValuesForm(forms.Form):
    """For each value no list knew: what it means (or leave it empty). Every one must be decided."""

    def __init__(
        self, *args, pending: list[tuple[str, str, int]], labels: dict[str, object], country_id: int, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pending = pending
        for index, (name, raw, count) in enumerate(pending):
            self.fields[f"v_{index}"] = forms.ChoiceField(
                choices=[("?", _("— choose —")), *F.choices(name, country_id)],
                initial="?",
                label=f"{labels[name]}: “{raw}”",
                help_text=_("%(count)d rows") % {"count": count},
            )

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if value == "?":
                self.add_error(name, _("Choose what this value means, or leave it empty."))
        return data

    def decisions(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for index, (name, raw, _count) in enumerate(self.pending):
            found.setdefault(name, {})[raw] = self.cleaned_data[f"v_{index}"]
        return found


class DuplicatesForm(forms.Form):
    """For each row held as a likely duplicate: the person registered before, or a new person (or not yet);
    the buttons "all the same" / "all new" decide every row held, shown or not."""

    ALL = [(Decision.SAME, _("All are the people registered before")), (Decision.NEW, _("All are new people"))]

    def __init__(self, *args, rows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"row_{row.pk}"] = forms.ChoiceField(
                choices=[
                    ("", _("Decide later")),
                    (Decision.SAME, _("The same person")),
                    (Decision.NEW, _("A new person")),
                ],
                required=False,
                widget=forms.RadioSelect,
                label=_("Row %(number)d") % {"number": row.number},
            )
        self.fields["all"] = forms.ChoiceField(choices=self.ALL, required=False)

    def choices(self, held_ids) -> dict[int, str]:
        """{imported row id: decision} of the rows decided (every row held for "all")."""
        if self.cleaned_data.get("all"):
            return dict.fromkeys(held_ids, self.cleaned_data["all"])
        return {
            int(name.removeprefix("row_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("row_") and value
        }
