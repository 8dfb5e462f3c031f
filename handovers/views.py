"""The staff pages of handovers. Every record is fetched through ``Handover.objects`` scoped by
``ventanillas.access``: the sending side (``sent_by``), the receiving side (``received_by``); a third country
gets a 404. The receiving side reads only the summary of the parts shared, while the consent holds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.models import Case
from cases.selectors import find_people
from ventanillas import access
from ventanillas.models import InformationWindow

from . import selectors, services
from .forms import AcceptForm, CodeForm, DeclineForm, RouteForm, StartForm
from .models import ErasureRequest, Handover, Part, Status
from .services import HandoverError


def _fail(form, error: HandoverError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _handover(request: HttpRequest, pk: int) -> tuple[Handover, bool, bool]:
    """The handover if the user may see it (else 404), and on which side(s) the user stands."""
    handover = get_object_or_404(
        Handover.objects.visible_to(request.user).select_related(
            "from_window__country", "to_country", "to_window", "case", "person"
        ),
        pk=pk,
    )
    sending = Handover.objects.sent_by(request.user).filter(pk=pk).exists()
    receiving = Handover.objects.received_by(request.user).filter(pk=pk).exists()
    return handover, sending, receiving


def _may_answer(user, handover: Handover) -> bool:
    if access.is_administrator(user):
        return True
    if handover.to_window_id:
        return access.can_write_window(user, handover.to_window)
    return False


@login_required
@require_safe
def handover_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    related = ("from_window__country", "to_country", "to_window")
    context = {
        "sent": Handover.objects.sent_by(user).select_related(*related)[:100],
        "received": Handover.objects.received_by(user).select_related(*related)[:100],
        "erasures": selectors.open_erasure_requests(user),
    }
    return render(request, "handovers/list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("person", "window__country"), pk=pk)
    if not Case.objects.writable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    countries = services.allowed_countries(case.window.country)
    form = StartForm(
        request.POST or None,
        countries=countries,
        notes=services.note_choices(case),
        initial={"consent_language": case.person.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        to_window = InformationWindow.objects.filter(pk=data["to_window"]).first() if data["to_window"] else None
        try:
            handover = services.start_handover(
                case=case,
                by=request.user,
                to_country=next(c for c in countries if c.pk == data["to_country"]),
                to_window=to_window,
                parts=data["parts"],
                notes_shared=data["notes_shared"],
                purpose=data["purpose"],
                consent_method=data["consent_method"],
                consent_language=data["consent_language"],
                form_token=data["form_token"],
            )
        except HandoverError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The handover was recorded."))
            return redirect(handover)
    status = 400 if form.is_bound else 200
    return render(request, "handovers/start.html", {"case": case, "form": form, "countries": countries}, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover, sending, receiving = _handover(request, pk)
    summary = None
    if sending or handover.sharing:
        summary = selectors.summary(handover)
        services.record_view(handover=handover, by=request.user, side="sending" if sending else "receiving")
    windows = InformationWindow.objects.filter(country=handover.to_country).order_by("name")
    context = {
        "handover": handover,
        "sending": sending,
        "receiving": receiving,
        "summary": summary,
        "may_answer": receiving and _may_answer(request.user, handover) and handover.status == Status.PENDING,
        "may_route": receiving
        and handover.status == Status.PENDING
        and (
            access.is_administrator(request.user) or handover.to_country_id in access.officer_country_ids(request.user)
        ),
        "may_withdraw": handover.withdrawable
        and (
            access.can_write_window(request.user, handover.from_window)
            or (handover.to_window_id and access.can_write_window(request.user, handover.to_window))
        ),
        "route_form": RouteForm(windows=windows),
        "decline_form": DeclineForm(),
        "code_form": CodeForm(),
        "may_move_status": receiving and handover.received_case_id and _may_answer(request.user, handover),
    }
    return render(request, "handovers/detail.html", context)


@login_required
@require_safe
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The consent slip to print and have signed: what is shared, with whom, why; the sending side only."""
    handover, sending, _receiving = _handover(request, pk)
    if not sending:
        raise PermissionDenied
    parts = [Part(code).label for code in handover.parts]  # lazy: read in the notice's language
    return render(request, "handovers/slip.html", {"handover": handover, "parts": parts})


@login_required
@require_POST
def confirm_code(request: HttpRequest, pk: int) -> HttpResponse:
    handover, _sending, _receiving = _handover(request, pk)
    if not access.can_write_window(request.user, handover.from_window):
        raise PermissionDenied
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_code(handover=handover, code=form.cleaned_data["code"], by=request.user)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The person's consent is recorded: the handover was sent."))
    else:
        messages.error(request, _("Type the code the person received."))
    return redirect(handover)


@login_required
@require_POST
def resend_code(request: HttpRequest, pk: int) -> HttpResponse:
    """A new SMS code for a handover still waiting for the person's consent (the first expired or was lost)."""
    handover, _sending, _receiving = _handover(request, pk)
    if not access.can_write_window(request.user, handover.from_window):
        raise PermissionDenied
    try:
        services.resend_code(handover=handover, by=request.user)
    except HandoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new code was sent to the person by SMS; the old one no longer holds."))
    return redirect(handover)


@login_required
@require_POST
def route(request: HttpRequest, pk: int) -> HttpResponse:
    handover, _sending, receiving = _handover(request, pk)
    if not receiving:
        raise PermissionDenied
    windows = InformationWindow.objects.filter(country=handover.to_country)
    form = RouteForm(request.POST, windows=windows)
    if form.is_valid():
        try:
            services.route(handover=handover, window=windows.get(pk=form.cleaned_data["window"]), by=request.user)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The handover was sent to the window."))
    else:
        messages.error(request, _("Choose a window of the receiving country."))
    return redirect(handover)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the window's own people first (the shared identity), then accept for one of them or a new record."""
    handover, _sending, receiving = _handover(request, pk)
    if not (receiving and _may_answer(request.user, handover)):
        raise PermissionDenied
    summary = selectors.summary(handover) if handover.sharing else None
    matches = []
    if summary is not None and summary.identity:
        identity = summary.identity
        names = f"{identity['given_names']} {identity['family_names']}"
        matches = find_people(request.user, names=names, date_of_birth=identity["date_of_birth"], limit=10)
    form = AcceptForm(request.POST or None, matches=matches)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["person"]
        existing = next((m.person for m in matches if str(m.person.pk) == choice), None)
        try:
            case = services.accept(handover=handover, by=request.user, existing=existing)
        except HandoverError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The handover was accepted: the case is open at your window."))
            return redirect(case)
    context = {"handover": handover, "summary": summary, "matches": matches, "form": form}
    return render(request, "handovers/accept.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    handover, _sending, receiving = _handover(request, pk)
    if not (
        receiving
        and (_may_answer(request.user, handover) or handover.to_country_id in access.officer_country_ids(request.user))
    ):
        raise PermissionDenied
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline(handover=handover, by=request.user, reason=form.cleaned_data["reason"])
        except HandoverError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The handover was declined; the sending window reads your reason."))
            return redirect(handover)
    return render(request, "handovers/decline.html", {"handover": handover, "form": form}, status=400)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    handover, _sending, _receiving = _handover(request, pk)
    windows = [handover.from_window] + ([handover.to_window] if handover.to_window_id else [])
    if not any(access.can_write_window(request.user, w) for w in windows):
        raise PermissionDenied
    try:
        services.withdraw(handover=handover, by=request.user)
    except HandoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The person's withdrawal is recorded: nothing more is shared."))
    return redirect(handover)


@login_required
@require_POST
def move_status_check(request: HttpRequest, pk: int) -> HttpResponse:
    handover, _sending, receiving = _handover(request, pk)
    if not (receiving and _may_answer(request.user, handover)):
        raise PermissionDenied
    try:
        process = services.move_status_check(handover=handover, by=request.user)
    except HandoverError as error:
        messages.error(request, error.message)
        return redirect(handover)
    messages.success(request, _("The person's reference now follows this case: issue a new PIN and give the new slip."))
    return redirect("statuscheck:staff", pk=process.pk)


@login_required
@require_POST
def erasure_done(request: HttpRequest, pk: int) -> HttpResponse:
    scope = access.record_scope(request.user, window_path="window", write=True)
    erasure = get_object_or_404(
        ErasureRequest.objects.filter(access.record_scope(request.user, window_path="window")), pk=pk
    )
    if not ErasureRequest.objects.filter(scope, pk=pk).exists():
        raise PermissionDenied
    try:
        services.complete_erasure_request(request=erasure, by=request.user)
    except HandoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The erasure request is answered."))
    return redirect("handovers:list")
