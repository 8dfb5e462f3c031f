"""List filters of the staff pages (django-filter): each filters a queryset already scoped by visible_to."""

from __future__ import annotations

from functools import lru_cache

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helpers.marked import foreign_language
from helpers.renderers import _attrs
from helpers.validation import record_id

from .countries import nationality_choices
from .models import (
    CaseStatus,
    Channel,
    PersonVulnerability,
    RegularizationPathway,
    RegularizationProcess,
    Stage,
    Topic,
    Vulnerability,
)

DATE = forms.DateInput(attrs={"type": "date"})
# A filter left blank lets every row through: say so in the reader's language, not with Django's "---------".
ANY = _("Any")


class NationalitySelect(forms.Select):
    """The nationality select: some 250 options, the same markup as the portal's renderer writes for any
    select (``helpers.renderers``), with each option's markup made once per language and list in a process
    (the list does not change while it runs) and only the chosen one marked per page: building and
    escaping the 250 options cost 6 ms of every case-list page. A test compares the two markups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        choices = tuple(
            ("" if v is None else str(v), label if isinstance(label, str) else str(label)) for v, label in self.choices
        )
        out = [f'<select name="{conditional_escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option_value, marks, markup in _options(get_language() or "", choices):
            selected = option_value in chosen
            if selected:
                chosen = set()  # one option only, the first of that value, as Django's select marks it
            attributes = (" selected" if selected else "") + marks
            out.append(f'\n  <option value="{option_value}"{attributes}>{markup}</option>\n')
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every part is escaped above or in _options


@lru_cache(maxsize=32)
def _options(language: str, choices: tuple) -> list[tuple[str, str, str]]:
    """(value escaped, its ``lang`` mark, label escaped) of each option, for the page language ``language``."""
    rows = []
    for value, label in choices:
        lang = foreign_language(label)
        rows.append(
            (
                conditional_escape(value),
                f' lang="{conditional_escape(lang)}"' if lang else "",
                conditional_escape(label),
            )
        )
    return rows


class _ListedChoices(django_filters.fields.ModelChoiceIterator):
    """The choices from the field's queryset read as one list (the rows kept on the queryset), not through
    ``iterator()``: on PostgreSQL that is a server-side cursor, three round trips for a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of rows read once per page: the choice made is checked against the rows the select lists
    (the same queryset, so the same rows) instead of being read again."""

    class field_class(django_filters.fields.ModelChoiceField):
        iterator = _ListedChoices

        def to_python(self, value):
            if value in self.empty_values:
                return None
            if self.null_label is not None and value == self.null_value:
                return value
            try:
                key = self.queryset.model._meta.pk.to_python(value)
            except ValidationError:
                key = None
            for obj in self.queryset:
                if obj.pk == key:
                    return obj
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class CaseFilter(django_filters.FilterSet):
    # A number, not a name: list filters travel in the URL, and names stay out of URLs (search a person
    # by name on the person search, which posts).
    q = django_filters.CharFilter(label=_("Case or person number"), method="filter_number")
    status = django_filters.ChoiceFilter(empty_label=ANY, label=_("Status"), choices=CaseStatus.choices)
    # Filters on what a case has several of (processes, vulnerabilities) are EXISTS subqueries, not joins:
    # a join repeats a case, and the DISTINCT that hides the repeats sorts every case of the window over
    # all the columns of the page before taking 25 rows.
    stage = django_filters.ChoiceFilter(empty_label=ANY, label=_("Stage"), choices=Stage.choices, method="filter_stage")
    pathway = ListedModelChoiceFilter(
        empty_label=ANY,
        label=_("Pathway"),
        method="filter_pathway",
        queryset=RegularizationPathway.objects.none(),
    )
    nationality = django_filters.ChoiceFilter(
        empty_label=ANY,
        label=_("Nationality"),
        field_name="person__nationality",
        choices=lambda: nationality_choices(blank=False),
        widget=NationalitySelect,
    )
    vulnerability = django_filters.ChoiceFilter(
        empty_label=ANY,
        label=_("Vulnerability"),
        choices=Vulnerability.choices,
        method="filter_vulnerability",
    )
    assigned_to = ListedModelChoiceFilter(empty_label=ANY, label=_("Assigned to"), queryset=None)
    opened_from = django_filters.DateFilter(
        label=_("Opened from"), field_name="opened_at", lookup_expr="date__gte", widget=DATE
    )
    opened_to = django_filters.DateFilter(
        label=_("Opened until"), field_name="opened_at", lookup_expr="date__lte", widget=DATE
    )
    order = django_filters.OrderingFilter(
        empty_label=_("Newest first"),
        label=_("Sort by"),
        # Not by name: names are encrypted, the database cannot sort them (docs/domain.md).
        fields=(("opened_at", "opened"), ("status", "status")),
        # Every label is named here (ascending ones by field, descending ones by parameter): django-filter
        # builds the others once, at import, in whatever language is active then, for every reader.
        field_labels={
            "opened_at": _("Date opened"),
            "-opened": _("Date opened (descending)"),
            "status": _("Status"),
            "-status": _("Status (descending)"),
        },
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from ventanillas import access

        self.user = user
        countries = access.visible_windows(user).values("country")
        # A pathway's label names its country: read it with the pathway, not once per choice.
        self.filters["pathway"].queryset = RegularizationPathway.objects.filter(country__in=countries).select_related(
            "country"
        )
        # A user's label is the username: the other columns (the password hash among them) are not read.
        self.filters["assigned_to"].queryset = (
            get_user_model()
            .objects.filter(memberships__window__in=access.visible_windows(user))
            .only("username")
            .distinct()
        )

    def filter_number(self, queryset, name, value):
        number = record_id(value)
        if number is None:
            return queryset.none()
        return queryset.filter(Q(pk=number) | Q(person_id=number))

    def filter_stage(self, queryset, name, value):
        from ventanillas import access

        processes = RegularizationProcess.objects.filter(case=OuterRef("pk"), stage=value)
        # A process is on a pathway of its case's country (``services.start_process``): naming the reader's
        # countries lets the database read their processes at that stage from the (pathway, stage, case) index
        # rather than every country's (docs/speed.md). The cases themselves stay scoped by ``visible_to``.
        countries = access.record_country_ids(self.user)
        if countries is not None:
            processes = processes.filter(pathway__country__in=sorted(countries))
        return queryset.filter(Exists(processes))

    def filter_pathway(self, queryset, name, value):
        return queryset.filter(Exists(RegularizationProcess.objects.filter(case=OuterRef("pk"), pathway=value)))

    def filter_vulnerability(self, queryset, name, value):
        return queryset.filter(Exists(PersonVulnerability.objects.filter(person=OuterRef("person_id"), code=value)))


class ConsultationFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(empty_label=ANY, label=_("Channel"), choices=Channel.choices)
    nationality = django_filters.ChoiceFilter(
        empty_label=ANY, label=_("Nationality"), choices=lambda: nationality_choices(blank=False)
    )
    topic = django_filters.ChoiceFilter(empty_label=ANY, label=_("Topic"), choices=Topic.choices, method="filter_topic")
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte", widget=DATE)

    def filter_topic(self, queryset, name, value):
        # JSON containment is not portable to SQLite; the quoted code cannot occur inside another code.
        return queryset.filter(topics__icontains=f'"{value}"')
