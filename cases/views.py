"""Staff pages of the cases app. Views check access, validate the form, call a service and redirect."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpers import samples
from helpers.pagination import DeferredJoinPaginator
from helpers.validation import record_id
from ventanillas import access

from . import forms, selectors, services
from .exports import export_cases
from .filters import CaseFilter, ConsultationFilter
from .models import (
    FINAL_STAGES,
    Appointment,
    AuditEntry,
    Case,
    ChecklistItem,
    ConsentKind,
    Consultation,
    FollowUp,
    HouseholdMember,
    Person,
    Referral,
    RegularizationProcess,
)
from .rules import TOPIC_NEEDS, contact_channels, has_consent
from .services import CaseError
from .services.referrals import answer_referral, referral_from_token

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _get(request: HttpRequest, model, pk: int, *, write: bool = False):
    """The record if the user may see it (else 404), and may change it when ``write`` (else 403)."""
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if write and not model.objects.writable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def _sees_windows(request: HttpRequest, *, write: bool = False) -> bool:
    """Whether the user sees (or, with ``write``, works at) any window; the banner's answer comes with it."""
    # Whether demonstration data is loaded (every page's banner asks) comes with it: ``helpers.samples``.
    columns = samples.columns()
    row = access.visible_windows(request.user, write=write).annotate(**columns).values(*columns).first()
    if row is None:
        return False
    request.demo_data = samples.loaded(row)
    return True


def _require_staff(request: HttpRequest) -> None:
    if not _sees_windows(request, write=True):
        raise PermissionDenied


def _fail(form, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _to(obj, section: str) -> HttpResponse:
    """Back to the section of the page that a save changed: the URL fragment names the section's heading
    (tabindex="-1"), which the browser focuses and scrolls to, so the keyboard continues from there."""
    return redirect(f"{obj.get_absolute_url()}#{section}")


def _action(request, template_title: str, form, back: str, status: int = 200) -> HttpResponse:
    context = {"title": template_title, "form": form, "back": back}
    return render(request, "cases/action_form.html", context, status=status)


# --- Work lists -------------------------------------------------------------------------------------------


@login_required
@require_safe
def tasks(request: HttpRequest) -> HttpResponse:
    if not access.visible_windows(request.user).exists():
        raise PermissionDenied
    return render(request, "cases/tasks.html", {"tasks": selectors.my_tasks(request.user)})


CASE_LIST_COLUMNS = (
    "opened_at",
    "status",
    "person__given_names",
    "person__family_names",
    "window__name",
    "window__city",
    "window__text_language",  # the language its name is marked with
    "window__country__default_language",
    "assigned_to__username",
)


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    if not _sees_windows(request):
        raise PermissionDenied
    cases = Case.objects.visible_to(request.user).select_related("person", "window__country", "assigned_to")
    filterset = CaseFilter(request.GET, queryset=cases, user=request.user)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        if not access.can_export_records(request.user):
            raise PermissionDenied
        services.record_audit(
            user=request.user,
            action=AuditEntry.Action.EXPORT,
            object_type="cases.case",
            details={"format": fmt, "filters": _audited_filters(request, filterset)},
        )
        return export_cases(filterset.qs, fmt)
    # The page reads only the columns it shows (not the encrypted notes or the password hashes).
    page = DeferredJoinPaginator(filterset.qs.only(*CASE_LIST_COLUMNS), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_export": access.can_export_records(request.user),
        },
    )


def _audited_filters(request: HttpRequest, filterset: CaseFilter) -> dict:
    """The filters of an export as the audit keeps them: codes and numbers, never free text."""
    return {
        k: v for k, v in request.GET.items() if k in filterset.filters and v and (k != "q" or record_id(v) is not None)
    }


@login_required
@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    if not access.visible_windows(request.user).exists():
        raise PermissionDenied
    consultations = Consultation.objects.visible_to(request.user).select_related("window__country")
    filterset = ConsultationFilter(request.GET, queryset=consultations)
    page = DeferredJoinPaginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "cases/consultation_list.html", {"filter": filterset, "page": page, "query": query.urlencode()}
    )


# --- Consultations ----------------------------------------------------------------------------------------


@login_required
@GET_POST
def consultation_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = forms.ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        window, token = data.pop("window"), data.pop("form_token")
        try:
            _consultation, created = services.log_consultation(
                window=window, by=request.user, data=data, form_token=token
            )
        except CaseError as error:
            _fail(form, error)
        else:
            if created:
                messages.success(request, _("Consultation logged."))
            # the blank form of the next one, focus on its first field
            first = form.visible_fields()[0].id_for_label
            return redirect(f"{reverse('cases:consultation-create')}#{first}")
    status = 400 if form.is_bound else 200
    return render(request, "cases/consultation_form.html", {"form": form}, status=status)


# --- People -----------------------------------------------------------------------------------------------


# Names, document numbers and phones travel in the body of a POST, never in a URL: URLs end up in server
# and proxy logs and in the browser's history.
SEARCH_FIELDS = ("names", "date_of_birth", "document_number", "phone")
# What the list of matches shows of each person: the rest of the record (contacts, documents, notes) stays
# encrypted in the database.
SEARCH_SHOWN = ("given_names", "family_names", "date_of_birth", "nationality")


@login_required
@GET_POST
def person_search(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    consultation = record_id(request.GET.get("consultation"))
    initial = {"consultation": consultation} if consultation else {}
    form = forms.PersonSearchForm(request.POST or None, initial=initial)
    matches = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        matches = selectors.find_people(
            request.user,
            names=data["names"],
            date_of_birth=data["date_of_birth"],
            document_number=data["document_number"],
            phone=data["phone"],
            shown=SEARCH_SHOWN,
        )
        services.audit_identifier_search(
            user=request.user,
            document_number=data["document_number"],
            phone=data["phone"],
            found=[m.person.pk for m in matches],
        )
        # Each match's nationality as ``get_nationality_display`` names it, from one list of the countries
        # (that method builds the list of some 250 names again for every person it is asked about).
        labels = dict(make_hashable(Person._meta.get_field("nationality").flatchoices))
        for match in matches:
            code = match.person.nationality
            match.nationality = force_str(labels.get(make_hashable(code), code), strings_only=True)
    context = {"form": form, "matches": matches, "prefill": {f: request.POST.get(f, "") for f in SEARCH_FIELDS}}
    status = 400 if form.is_bound and matches is None else 200
    return render(request, "cases/person_search.html", context, status=status)


@login_required
@GET_POST
def person_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    # Coming from the search ("none of these"): what was typed there fills the form, nothing is saved yet.
    from_search = request.method == "POST" and "prefill" in request.POST
    initial = _initial_from_search(request, request.POST if from_search else {})
    data = None if from_search else (request.POST or None)
    form = forms.NewPersonForm(data, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            person, _created = services.create_person(
                window=data["window"],
                by=request.user,
                data=form.person_data(),
                vulnerabilities=data["vulnerabilities"],
                consents=data["consents"],
                form_token=data["form_token"],
            )
        except CaseError as error:
            _fail(form, error)
        else:
            url = reverse("cases:case-create", kwargs={"person": person.pk})
            return redirect(
                f"{url}?consultation={request.GET['consultation']}" if request.GET.get("consultation") else url
            )
    return render(request, "cases/person_form.html", {"form": form, "new": True}, status=400 if form.is_bound else 200)


def _initial_from_search(request: HttpRequest, search) -> dict:
    """What the search already holds, so that nothing is typed twice (names split on the first space)."""
    names = search.get("names", "").split(maxsplit=1)
    initial = {k: search[k] for k in ("date_of_birth", "document_number", "phone") if search.get(k)}
    if names:
        initial["given_names"] = names[0]
        initial["family_names"] = names[1] if len(names) > 1 else ""
    consultation = record_id(request.GET.get("consultation"))
    if consultation:
        c = Consultation.objects.visible_to(request.user).filter(pk=consultation).first()
        if c:
            initial.update(nationality=c.nationality, sex=c.sex, window=c.window_id)
    return initial


@login_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person, pk)
    services.record_audit(user=request.user, action=AuditEntry.Action.VIEW, obj=person)
    context = {
        "person": person,
        "cases": person.cases.visible_to(request.user).select_related("window__country"),
        "consents": person.consents.select_related("recorded_by"),
        "can_write": Person.objects.writable_by(request.user).filter(pk=pk).exists(),
        "is_admin": access.is_administrator(request.user),
        "consent_form": forms.ConsentForm(initial={"notice_language": person.preferred_language}),
        "duplicates": selectors.likely_duplicates(request.user, person)
        if not (person.merged_into_id or person.anonymised_at)
        else [],
        "withdraw_form": forms.WithdrawConsentForm(),
    }
    return render(request, "cases/person_detail.html", context)


@login_required
@GET_POST
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person, pk, write=True)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    initial["vulnerabilities"] = list(person.vulnerabilities.values_list("code", flat=True))
    form = forms.PersonForm(request.POST or None, initial=initial)
    if person.document_country_unmatched:
        form.fields["document_country"].help_text = _(
            "Recorded before the list of countries: “%(value)s”. Choose the country that issued the document."
        ) % {"value": person.document_country_unmatched}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person=person,
                by=request.user,
                data=form.person_data(),
                vulnerabilities=form.cleaned_data["vulnerabilities"],
            )
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(
        request, "cases/person_form.html", {"form": form, "person": person}, status=400 if form.is_bound else 200
    )


@login_required
@require_POST
def person_consent(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person, pk, write=True)
    withdraw = "kind" in request.POST
    form = forms.WithdrawConsentForm(request.POST) if withdraw else forms.ConsentForm(request.POST)
    if form.is_valid():
        try:
            if withdraw:
                services.withdraw_consent(person=person, kind=form.cleaned_data["kind"], by=request.user)
            else:
                services.record_consent(person=person, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Consent withdrawn.") if withdraw else _("Consent recorded."))
            return _to(person, "consents")
    return _action(request, _("Consent"), form, person.get_absolute_url(), status=400)


@login_required
@GET_POST
def household_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person, pk, write=True)
    form = forms.HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_household_member(
                person=person, by=request.user, data=form.cleaned_data, form_token=form.cleaned_data["form_token"]
            )
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The household member was added."))
            return _to(person, "household")
    return _action(
        request, _("Add a household member"), form, person.get_absolute_url(), status=400 if form.is_bound else 200
    )


@login_required
@GET_POST
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get(request, HouseholdMember, pk, write=True)
    initial = {f: getattr(member, f) for f in services.HOUSEHOLD_FIELDS}
    form = forms.HouseholdMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household_member(member=member, by=request.user, data=form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return _to(member.person, "household")
    back = member.person.get_absolute_url()
    return _action(request, _("Edit a household member"), form, back, status=400 if form.is_bound else 200)


@login_required
@require_POST
def household_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get(request, HouseholdMember, pk, write=True)
    person = member.person
    try:
        services.remove_household_member(member=member, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The household member was removed."))
    return _to(person, "household")


@login_required
@GET_POST
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    keep = _get(request, Person, pk, write=True)
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        duplicate = _get(request, Person, form.cleaned_data["duplicate"], write=True)
        try:
            services.merge_people(keep=keep, duplicate=duplicate, by=request.user)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The duplicate was merged into this record."))
            return redirect(keep)
    return _action(
        request,
        _("Merge a duplicate into this record"),
        form,
        keep.get_absolute_url(),
        status=400 if form.is_bound else 200,
    )


@login_required
@require_safe
def person_compare(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """Two records side by side, to decide whether ``other`` is a duplicate to merge into ``pk``."""
    keep, duplicate = _get(request, Person, pk, write=True), _get(request, Person, other, write=True)
    for person in (keep, duplicate):
        services.record_audit(user=request.user, action=AuditEntry.Action.VIEW, obj=person, details={"compare": True})
    fields = ["given_names", "family_names", "date_of_birth", "sex", "nationality", "document_type",
              "document_number", "document_country", "phone", "whatsapp", "email", "preferred_language"]  # fmt: skip
    rows = [(Person._meta.get_field(f).verbose_name, _shown(keep, f), _shown(duplicate, f)) for f in fields]
    rows.append((_("Cases"), keep.cases.count(), duplicate.cases.count()))
    context = {"keep": keep, "duplicate": duplicate, "rows": rows}
    return render(request, "cases/person_compare.html", context)


def _shown(person: Person, field: str):
    display = getattr(person, f"get_{field}_display", None)
    value = display() if display and getattr(person, field) else getattr(person, field)
    return value if value not in (None, "") else "—"


@login_required
@require_safe
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person, pk, write=True)
    data = services.export_person_data(person=person, by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
@GET_POST
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Window staff record the person's request; an administrator confirms it by typing the record number."""
    person = _get(request, Person, pk, write=True)
    is_admin = access.is_administrator(request.user)
    form = forms.EraseConfirmForm(request.POST or None, person=person) if is_admin else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if is_admin:
                erased = services.erase_person(person=person, by=request.user)
                for note in erased.erasure_notes:
                    messages.info(request, note)
            else:
                services.request_erasure(person=person, by=request.user)
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The person's data was erased.")
                if is_admin
                else _("The request was recorded: an administrator will confirm the erasure."),
            )
        return redirect(person)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/person_erase.html", {"person": person, "form": form}, status=status)


@login_required
@require_safe
def audit_log(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not access.is_administrator(request.user):
        raise PermissionDenied
    if kind not in ("person", "case"):
        raise Http404
    entries = AuditEntry.objects.filter(**{f"{kind}_id": pk}).select_related("user")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "cases/audit_log.html", {"page": page, "kind": kind, "pk": pk})


# --- Cases ------------------------------------------------------------------------------------------------


@login_required
@require_safe
def consultation_convert(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, Consultation, pk, write=True)
    return redirect(f"{reverse('cases:person-search')}?consultation={consultation.pk}")


@login_required
@GET_POST
def case_create(request: HttpRequest, person: int) -> HttpResponse:
    person = _get(request, Person, person, write=True)
    consultation_id = record_id(request.GET.get("consultation"))
    consultation = _get(request, Consultation, consultation_id, write=True) if consultation_id else None
    initial = {}
    if consultation:  # what the consultation recorded is not typed again
        needs = [TOPIC_NEEDS[t] for t in consultation.topics if t in TOPIC_NEEDS]
        initial = {"window": consultation.window_id, "needs": needs}
    form = forms.CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _created = services.open_case(
                person=person,
                window=data["window"],
                by=request.user,
                needs=data["needs"],
                notes=data["notes"],
                assigned_to=data["assigned_to"],
                consultation=consultation,
                form_token=data["form_token"],
            )
        except CaseError as error:
            _fail(form, error)
        else:
            return redirect(case)
    context = {"form": form, "person": person, "consultation": consultation}
    return render(request, "cases/case_form.html", context, status=400 if form.is_bound else 200)


# Of the person, the case page shows the name and links to their page: their other fields (contacts,
# documents, notes, the name's blind index) are neither read nor decrypted here.
PERSON_NOT_ON_CASE_PAGE = tuple(
    f"person__{f.name}" for f in Person._meta.concrete_fields if f.name not in ("id", "given_names", "family_names")
)


@login_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The case with what its heading shows (the person's name, the window and its country's clock, who opened
    # it and who has it) in one read; of the person only the name is read and decrypted (docs/speed.md).
    cases = Case.objects.visible_to(request.user).select_related(
        "person", "window__country", "opened_by", "assigned_to"
    )
    case = get_object_or_404(cases.defer(*PERSON_NOT_ON_CASE_PAGE).annotate(**samples.columns()), pk=pk)
    request.demo_data = samples.loaded(case)
    # The case page shows the person's name and the notes about them: opening it is audited like theirs.
    services.record_audit(user=request.user, action=AuditEntry.Action.VIEW, obj=case)
    # status_access: the person's own status check (statuscheck app), to show the clerk when it is locked
    processes = list(
        case.processes.select_related("pathway", "status_access").prefetch_related("checklist", "appointments")
    )
    context = {
        "case": case,
        "processes": [
            (p, forms.MoveProcessForm(window=case.window, allowed=services.allowed_moves(p))) for p in processes
        ],
        "timeline": case.timeline.select_related("by"),
        "follow_ups": case.follow_ups.select_related("assigned_to"),
        "referrals": case.referrals.select_related("partner__country"),
        # The user's memberships, already read, decide it: the rule of ``writable_by``.
        "can_write": access.can_write_window(request.user, case.window),
        # start_process refuses a second process while one is under way: do not offer it
        "can_start_process": not any(p.stage not in FINAL_STAGES for p in processes),
        "is_admin": access.is_administrator(request.user),
        "checklist_statuses": forms.ChecklistForm.base_fields["status"].choices,
        "now": timezone.now(),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@GET_POST
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    initial = {"needs": case.needs, "notes": case.notes, "assigned_to": case.assigned_to_id}
    form = forms.CaseEditForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return _to(case, "case")
    return _action(request, _("Edit the case"), form, case.get_absolute_url(), status=400 if form.is_bound else 200)


@login_required
@GET_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    form = forms.CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_case(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The case was closed."))
            return _to(case, "case")
    return _action(request, _("Close the case"), form, case.get_absolute_url(), status=400 if form.is_bound else 200)


@login_required
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    try:
        services.reopen_case(case=case, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The case was reopened."))
    return _to(case, "case")


@login_required
@GET_POST
def process_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    form = forms.StartProcessForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.start_process(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The process was started."))
            return _to(case, f"process-{process.pk}")
    return _action(
        request,
        _("Start a regularization process"),
        form,
        case.get_absolute_url(),
        status=400 if form.is_bound else 200,
    )


@login_required
@GET_POST
def process_move(request: HttpRequest, pk: int) -> HttpResponse:
    process = _get(request, RegularizationProcess, pk, write=True)
    # the same choices as on the case page: a refused move must not offer every stage on the way back
    form = forms.MoveProcessForm(
        request.POST or None, window=process.case.window, allowed=services.allowed_moves(process)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_process(process=process, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Stage changed."))
            return _to(process.case, f"process-{process.pk}")
    back = process.case.get_absolute_url()
    return _action(request, _("Change the stage"), form, back, status=400 if form.is_bound else 200)


@login_required
@require_POST
def checklist_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, ChecklistItem, pk, write=True)
    form = forms.ChecklistForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseError(_("Choose a status."))
        services.set_checklist_status(item=item, status=form.cleaned_data["status"], by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checklist saved."))
    return _to(item.process.case, f"checklist-{item.process_id}")


@login_required
@require_POST
def checklist_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole checklist of a process in one form: a select per document, named ``status-<item>``."""
    process = _get(request, RegularizationProcess, pk, write=True)
    statuses = {item.pk: request.POST.get(f"status-{item.pk}") for item in process.checklist.all()}
    try:
        changed = services.save_checklist(
            process=process, statuses={k: v for k, v in statuses.items() if v}, by=request.user
        )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checklist saved.") if changed else _("Nothing had changed in the checklist."))
    return _to(process.case, f"checklist-{process.pk}")


@login_required
@GET_POST
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _get(request, RegularizationProcess, pk, write=True)
    form = forms.AppointmentForm(request.POST or None, zone=process.case.window.country.zoneinfo)
    if request.method == "POST" and form.is_valid():
        try:
            services.book_appointment(process=process, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The appointment was booked."))
            return _to(process.case, f"appointments-{process.pk}")
    back = process.case.get_absolute_url()
    return _action(request, _("Book an appointment"), form, back, status=400 if form.is_bound else 200)


@login_required
@GET_POST
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _get(request, Appointment, pk, write=True)
    zone = appointment.process.case.window.country.zoneinfo
    initial = {f: getattr(appointment, f) for f in ("at", "place", "purpose")}
    form = forms.MoveAppointmentForm(request.POST or None, initial=initial, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_appointment(appointment=appointment, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The appointment was moved."))
            return _to(appointment.process.case, f"appointments-{appointment.process_id}")
    back = appointment.process.case.get_absolute_url()
    return _action(request, _("Move the appointment"), form, back, status=400 if form.is_bound else 200)


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _get(request, Appointment, pk, write=True)
    case = appointment.process.case
    try:
        services.cancel_appointment(appointment=appointment, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The appointment was cancelled."))
    return _to(case, f"appointments-{appointment.process_id}")


@login_required
@GET_POST
def process_permit(request: HttpRequest, pk: int) -> HttpResponse:
    process = _get(request, RegularizationProcess, pk, write=True)
    initial = {f: getattr(process, f) for f in ("permit_type", "permit_number", "permit_expires_on")}
    form = forms.PermitForm(request.POST or None, initial=initial, decided_on=process.decided_at)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_permit(process=process, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return _to(process.case, f"process-{process.pk}")
    back = process.case.get_absolute_url()
    return _action(request, _("Permit"), form, back, status=400 if form.is_bound else 200)


@login_required
@GET_POST
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    form = forms.FollowUpForm(request.POST or None, case=case, initial={"assigned_to": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_follow_up(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The follow-up was planned."))
            return _to(case, "follow-ups")
    return _action(request, _("Plan a follow-up"), form, case.get_absolute_url(), status=400 if form.is_bound else 200)


@login_required
@require_POST
def followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get(request, FollowUp, pk, write=True)
    try:
        services.complete_follow_up(follow_up=follow_up, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The follow-up was marked done."))
    if request.POST.get("next") == reverse("cases:tasks"):
        return redirect(f"{reverse('cases:tasks')}#follow-ups")
    return _to(follow_up.case, "follow-ups")


@login_required
@GET_POST
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, Case, pk, write=True)
    form = forms.ReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.refer(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The referral was sent."))
            return _to(case, "referrals")
    context = {"title": _("Refer to a partner"), "form": form, "back": f"{case.get_absolute_url()}#referrals"}
    if not has_consent(case.person, ConsentKind.SHARE_PARTNERS):
        # the refusal says what to do: the consent form is one link away
        context["consent_link"] = f"{case.person.get_absolute_url()}#consents"
    return render(request, "cases/action_form.html", context, status=400 if form.is_bound else 200)


@login_required
@GET_POST
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, Referral, pk, write=True)
    form = forms.ReferralUpdateForm(request.POST or None, initial={"status": referral.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(referral=referral, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The referral was updated."))
            return _to(referral.case, "referrals")
    back = referral.case.get_absolute_url()
    return _action(request, _("Update the referral"), form, back, status=400 if form.is_bound else 200)


# --- Partners (no account) --------------------------------------------------------------------------------


@never_cache
@GET_POST
def referral_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The partner's page of one referral, reached by the signed, expiring link it was sent.

    It shows what the person agreed to share with partners (given names and the contact details they
    consented to) only while that consent holds, and takes the partner's answer."""
    referral, expired = referral_from_token(token)
    if referral is None:
        status = 410 if expired else 404
        return render(request, "cases/referral_answer.html", {"expired": expired}, status=status)
    person = referral.case.person
    shared = has_consent(person, ConsentKind.SHARE_PARTNERS) and not person.anonymised_at
    form = forms.PartnerAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_referral(referral=referral, **form.cleaned_data)
        except CaseError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Thank you: your answer was sent to the window."))
            return redirect(f"{request.path}#answer")
    if shared:
        services.record_audit(user=None, action=AuditEntry.Action.VIEW, obj=referral, details={"partner": True})
    context = {
        "referral": referral,
        "shared": shared,
        "person": person if shared else None,
        "channels": contact_channels(person) if shared else [],
        "form": form,
        "answered": referral.status != "sent",
    }
    response = render(request, "cases/referral_answer.html", context, status=400 if form.is_bound else 200)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
