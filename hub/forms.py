from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpers.forms import label_blank_choices

from .models import Article, Guide, Revision, Topic


class PathwaySelect(forms.Select):
    """Each pathway's option says the language of its name (official names are often in Spanish only)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pathway = getattr(value, "instance", None)
        if pathway is not None:
            option["attrs"]["lang"] = pathway.name_language
        return option


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

    def __init__(self, *args, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The text is in the language being edited; the labels, help and note stay in the editor's own language,
        # so screen readers and spell checkers read each part in its language.
        for name in ("title", "summary", "body"):
            self.fields[name].widget.attrs["lang"] = language

    def clean(self) -> dict:
        data = super().clean()
        # A browser or a pasted file that sent bytes that are not UTF-8 reaches the server as U+FFFD
        # replacement characters: saved, they would replace letters for every reader without a word.
        for name in ("title", "summary", "body", "note"):
            if "\ufffd" in (data.get(name) or ""):
                self.add_error(
                    name,
                    _("This text holds characters that could not be read (�): retype them and save again."),
                )
        return data

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 3:
            raise forms.ValidationError(_("Write a title of at least three characters."))
        return title


class NewItemForm(forms.Form):
    """A new guide or article of a country: what never changes with the language. Its text comes next."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("guides", _("guide")), ("articles", _("article"))])
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Lower-case words joined by hyphens, the same in every language."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    source_language = forms.ChoiceField(label=_("Language of the first text"))
    pathway = forms.ModelChoiceField(label=_("Regularization pathway"), queryset=None, required=False)

    def __init__(self, *args, country, languages: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from cases.models import RegularizationPathway

        self.country = country
        self.fields["source_language"].choices = languages
        self.fields["pathway"].queryset = RegularizationPathway.objects.filter(country=country, active=True)
        self.fields["pathway"].widget = PathwaySelect(choices=self.fields["pathway"].choices)
        label_blank_choices(self)

    def clean(self) -> dict:
        data = super().clean()
        model = Guide if data.get("kind") == "guides" else Article
        if data.get("slug") and model.objects.filter(country=self.country, slug=data["slug"]).exists():
            self.add_error("slug", _("This address is already used in this country."))
        if data.get("kind") == "articles" and data.get("pathway"):
            self.add_error("pathway", _("Only guides are tied to a pathway."))
        return data
