"""The staff pages of register imports: upload, columns, values, preview and confirmation, progress,
resume and undo. Every import is reached through ``RegisterImport.objects.visible_to`` (ventanillas.access):
a clerk imports into, and sees, only their own window's imports."""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import services as case_services
from cases.models import AuditEntry
from ventanillas import access

from . import fields as F
from . import reading, services, tasks
from .forms import ColumnsForm, DuplicatesForm, SheetForm, UploadForm, ValuesForm
from .models import RegisterImport, Status

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> RegisterImport:
    register = get_object_or_404(RegisterImport.objects.visible_to(request.user).select_related("window"), pk=pk)
    if write and not RegisterImport.objects.writable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return register


@login_required
@require_safe
def import_list(request: HttpRequest) -> HttpResponse:
    if not access.visible_windows(request.user).exists():
        raise PermissionDenied
    imports = RegisterImport.objects.visible_to(request.user).select_related("window", "created_by")[:100]
    can_upload = access.visible_windows(request.user, write=True).exists()
    return render(request, "registers/list.html", {"imports": imports, "can_upload": can_upload})


@login_required
@GET_POST
def upload(request: HttpRequest) -> HttpResponse:
    if not access.visible_windows(request.user, write=True).exists():
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register = services.upload(
                window=data["window"], by=request.user, kind=data["kind"], name=data["file"].name,
                content=data["file"].read(),
            )  # fmt: skip
        except reading.FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("registers:columns", pk=register.pk)
    status = 400 if form.is_bound else 200
    return render(request, "registers/upload.html", {"form": form}, status=status)


@login_required
@GET_POST
def columns(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk, write=True)
    if register.status not in (Status.MAPPING, Status.READY):
        return redirect("registers:detail", pk=register.pk)
    content = services.file_content(register)
    samples = list(islice(reading.rows(content, register.file_format, register.sheet), 1, 4))
    form = ColumnsForm(request.POST or None, register=register, samples=samples)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_columns(register=register, columns=form.columns())
        except services.RegisterError as error:
            form.add_error(None, error.message)
        else:
            return redirect("registers:values", pk=register.pk)
    status = 400 if form.is_bound else 200
    sheets = SheetForm(register=register) if len(register.sheets) > 1 else None
    context = {
        "register": register,
        "form": form,
        "sheets": sheets,
        "sheet": register.sheet or next(iter(register.sheets), ""),
        # A repeat group's sheet read with its parent rows (``reading.joined``): the parent's columns follow.
        "parent": next((s for s in register.sheets if any(h.startswith(f"{s}/") for h in register.headers)), "")
        if register.sheet and reading.PARENT_INDEX in register.headers
        else "",
    }
    return render(request, "registers/columns.html", context, status=status)


@login_required
@require_POST
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Read another sheet of the workbook; its columns are suggested again."""
    register = _get(request, pk, write=True)
    form = SheetForm(request.POST, register=register)
    if form.is_valid():
        try:
            services.choose_sheet(register=register, sheet=form.cleaned_data["sheet"])
        except services.RegisterError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a sheet of the workbook."))
    return redirect("registers:columns", pk=register.pk)


def _labels(register: RegisterImport) -> dict[str, object]:
    return {f.values: f.label for f in F.FIELDS[register.kind] if f.values}


@login_required
@GET_POST
def values(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk, write=True)
    if register.status not in (Status.MAPPING, Status.READY):
        return redirect("registers:detail", pk=register.pk)
    found = services.unmatched(register)
    pending = [(name, raw, n) for name in sorted(found) for raw, n in sorted(found[name].items())]
    if not pending:
        return redirect("registers:preview", pk=register.pk)
    form = ValuesForm(
        request.POST or None, pending=pending, labels=_labels(register), country_id=register.window.country_id
    )
    if request.method == "POST" and form.is_valid():
        services.save_values(register=register, decisions=form.decisions())
        return redirect("registers:preview", pk=register.pk)
    status = 400 if form.is_bound else 200
    return render(request, "registers/values.html", {"register": register, "form": form}, status=status)


@login_required
@GET_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk, write=True)
    if register.status not in (Status.MAPPING, Status.READY):
        return redirect("registers:detail", pk=register.pk)
    if request.method == "POST":
        try:
            services.confirm(register=register, by=request.user)
        except services.RegisterError as error:
            messages.error(request, error.message)
            return redirect("registers:values", pk=register.pk)
        tasks.run_import.delay(register.pk)
        messages.success(request, _("The import is under way. This page shows its progress."))
        return redirect("registers:detail", pk=register.pk)
    specs = F.FIELDS[register.kind]
    shown = [f for f in specs if f.code in register.columns.values()]
    context = {"register": register, "preview": services.preview(register), "fields": shown}
    return render(request, "registers/preview.html", context)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk)
    context = {
        "register": register,
        "to_decide": services.pending(register).count(),
        "may_undo": register.may_undo(request.user),
        "may_resume": services.may_resume(register)
        and RegisterImport.objects.writable_by(request.user).filter(pk=pk).exists(),
        "running": register.status in (Status.QUEUED, Status.RUNNING),
    }
    if register.status == Status.UNDONE:
        # The records undo kept because staff had added to them since: ids only, each a link to its record.
        kept = register.rows.exclude(kept=[]).order_by("number")
        context["kept_count"] = kept.count()
        context["kept"] = [(row, services.kept_reasons(row.kept)) for row in kept[:KEPT_SHOWN]]
    return render(request, "registers/detail.html", context)


KEPT_SHOWN = 200


SHOWN = 100  # held rows decided on one page; "all at once" decides every one


@login_required
@GET_POST
def duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows held as likely duplicates, each beside the record it looks like: the clerk says, row by row
    or for all at once, whether it is that person (its case goes to them) or a new person."""
    register = _get(request, pk, write=True)
    held = list(services.pending(register)[:SHOWN])
    form = DuplicatesForm(request.POST or None, rows=held)
    if request.method == "POST" and form.is_valid():
        choices = form.choices(services.pending(register).values_list("pk", flat=True))
        try:
            result = services.decide(register=register, by=request.user, choices=choices)
        except services.RegisterError as error:
            messages.error(request, error.message)
            return redirect("registers:detail", pk=register.pk)
        if result.same or result.new:
            messages.success(
                request,
                _("%(same)d rows added to the people registered before, %(new)d people registered.")
                % {"same": result.same, "new": result.new},
            )
        for number, why in result.refused:
            messages.error(request, _("Row %(number)d: %(why)s") % {"number": number, "why": why})
        return redirect("registers:duplicates" if services.pending(register).exists() else "registers:detail", pk=pk)
    shown = []
    for row in held:
        if row.likely_duplicate is not None:
            # The record registered before is disclosed beside the row: audited as a look at it.
            case_services.record_audit(
                user=request.user, action=AuditEntry.Action.VIEW, obj=row.likely_duplicate,
                details={"register_import": register.pk},
            )  # fmt: skip
        shown.append((row, services.held_values(register, row), form[f"row_{row.pk}"]))
    context = {"register": register, "rows": shown, "form": form, "total": services.pending(register).count()}
    status = 400 if form.is_bound else 200
    return render(request, "registers/duplicates.html", context, status=status)


@login_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk, write=True)
    if services.may_resume(register):
        tasks.run_import.delay(register.pk)
        messages.success(request, _("The import goes on from the last rows written."))
    return redirect("registers:detail", pk=register.pk)


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    register = _get(request, pk)
    try:
        counts = services.undo(register=register, by=request.user)
    except services.RegisterError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Import undone: %(consultations)d consultations, %(cases)d cases and %(people)d people removed.")
            % counts,
        )
        if counts["kept"]:
            messages.warning(
                request,
                ngettext(
                    "%(n)d imported record was kept because staff have added to it since (a consultation, a "
                    "stage, a note, a document, a referral, a handover, a merge...): it is listed below.",
                    "%(n)d imported records were kept because staff have added to them since (a consultation, a "
                    "stage, a note, a document, a referral, a handover, a merge...): they are listed below.",
                    counts["kept"],
                )
                % {"n": counts["kept"]},
            )
    return redirect("registers:detail", pk=register.pk)
