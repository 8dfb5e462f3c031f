from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Revision


class FeedbackForm(forms.Form):
    """ "Was this useful?" on a guide or an article. Nothing in it identifies the reader."""

    KINDS = [("guides", "guides"), ("articles", "articles")]

    kind = forms.ChoiceField(choices=KINDS, widget=forms.HiddenInput)
    slug = forms.SlugField(max_length=80, widget=forms.HiddenInput)
    useful = forms.TypedChoiceField(
        label=_("Was this page useful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        help_text=_("Do not write your name, phone number or any personal detail."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def page(self) -> str:
        return f"{self.cleaned_data['kind']}/{self.cleaned_data['slug']}"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)


class RevisionForm(forms.ModelForm):
    class Meta:
        model = Revision
        fields = ["title", "summary", "body", "note"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 18})}

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 3:
            raise forms.ValidationError(_("Write a title of at least three characters."))
        return title
