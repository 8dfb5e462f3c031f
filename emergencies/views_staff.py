"""The staff side of crisis mode: declare, correct, translate and end an emergency, list its service
points and change their state from a phone. Thin views: access through ``ventanillas.access``, changes
through ``emergencies.services``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpers.validation import record_id
from ventanillas import access
from ventanillas.models import Role

from . import selectors, services
from .forms import ArrivalForm, CorrectForm, DeclareForm, LookingForForm, PointForm, PointStateForm, TextForm
from .models import Arrival, Broadcast, Emergency, EmergencyText, LookingFor, PointState, ServicePoint

GET_POST = ["GET", "HEAD", "POST"]


def _emergency(request: HttpRequest, pk: int, *, manage: bool = False) -> Emergency:
    """The emergency if the user works on it (another country's is a 404)."""
    rows = Emergency.objects.visible_to(request.user, manage=manage).select_related("country")
    return get_object_or_404(rows.prefetch_related("texts"), pk=pk)


@login_required
@require_safe
def emergency_list(request: HttpRequest) -> HttpResponse:
    scope = access.emergency_scope(request.user)
    editing = access.editor_country_ids(request.user)
    if editing is None:
        scope = Q()
    elif editing:
        scope |= Q(country__in=sorted(editing))
    rows = Emergency.objects.filter(scope).select_related("country").prefetch_related("texts")[:100]
    return render(
        request,
        "emergencies/staff_list.html",
        {
            "rows": rows,
            "may_declare": access.emergency_countries(request.user).exists(),
            "sees_region": access.has_role(request.user, Role.REGIONAL_OFFICER),
        },
    )


@login_required
@require_http_methods(GET_POST)
def declare(request: HttpRequest) -> HttpResponse:
    if not access.emergency_countries(request.user).exists():
        raise Http404
    form = DeclareForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.declare(by=request.user, **data)
        except services.EmergencyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The emergency is declared: its page, banner and CAP alert are published."))
            return redirect("emergencies-staff:detail", pk=made[0].pk)
    return render(request, "emergencies/staff_form.html", {"form": form, "heading": _("Declare an emergency")})


def _detail(request: HttpRequest, emergency: Emergency, bound: dict[int, PointStateForm] | None = None) -> HttpResponse:
    bound = bound or {}
    points = [(point, bound.get(point.pk) or PointStateForm(initial={"occupancy": point.occupancy}))
              for point in emergency.points.all()]  # fmt: skip
    manages = Emergency.objects.visible_to(request.user, manage=True).filter(pk=emergency.pk).exists()
    context = {
        "emergency": emergency,
        "texts": emergency.texts.all(),
        "awaiting": selectors.awaiting_languages(emergency),
        "points": points,
        "states": PointState.choices,
        "bulletins": emergency.bulletins.order_by("-number"),
        "manages": manages,
        "broadcasts": [(row, selectors.broadcast_progress(row)) for row in emergency.broadcasts.all()]
        if manages
        else [],
    }
    return render(request, "emergencies/staff_detail.html", context, status=400 if bound else 200)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _emergency(request, pk))


@login_required
@require_http_methods(GET_POST)
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    emergency = _emergency(request, pk, manage=True)
    form = CorrectForm(request.POST or None, emergency=emergency)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct(emergency=emergency, by=request.user, **form.cleaned_data)
        except services.EmergencyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The correction is published."))
            return redirect("emergencies-staff:detail", pk=emergency.pk)
    return render(
        request,
        "emergencies/staff_form.html",
        {"form": form, "heading": _("Correct the emergency"), "emergency": emergency},
    )


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    emergency = _emergency(request, pk, manage=True)
    try:
        services.end(emergency=emergency, by=request.user)
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The emergency has ended: its page is kept as a past emergency."))
    return redirect("emergencies-staff:detail", pk=emergency.pk)


@login_required
@require_http_methods(GET_POST)
def write_text(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The page's text in one language: the officers of the emergency, or an editor of that language."""
    emergency = Emergency.objects.select_related("country").filter(pk=pk).first()
    if emergency is None or language not in emergency.country.public_languages:
        raise Http404
    manages = Emergency.objects.visible_to(request.user, manage=True).filter(pk=pk).exists()
    if not (manages or language in access.editor_languages(request.user, emergency.country)):
        raise Http404
    instance = EmergencyText.objects.filter(emergency=emergency, language=language).first()
    source = emergency.texts.filter(language=emergency.source_language).first()
    form = TextForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_text(emergency=emergency, by=request.user, language=language, **form.cleaned_data)
        except services.EmergencyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The text is published."))
            return redirect(
                "emergencies-staff:detail" if manages else "emergencies-staff:list", **({"pk": pk} if manages else {})
            )
    context = {"form": form, "emergency": emergency, "language": language, "source": source}
    return render(request, "emergencies/staff_text.html", context)


@login_required
@require_http_methods(GET_POST)
def point_add(request: HttpRequest, pk: int) -> HttpResponse:
    emergency = _emergency(request, pk, manage=True)
    form = PointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_point(emergency=emergency, by=request.user, data=form.cleaned_data)
        messages.success(request, _("The service point is on the page."))
        return redirect("emergencies-staff:detail", pk=emergency.pk)
    return render(
        request,
        "emergencies/staff_form.html",
        {"form": form, "heading": _("Add a service point"), "emergency": emergency},
    )


@login_required
@require_POST
def point_state(request: HttpRequest, pk: int) -> HttpResponse:
    rows = ServicePoint.objects.filter(access.emergency_scope(request.user, country_path="emergency__country"))
    point = get_object_or_404(rows.select_related("emergency__country"), pk=pk)
    form = PointStateForm(request.POST)
    if form.is_valid():
        try:
            services.set_point_state(point=point, by=request.user, **form.cleaned_data)
        except services.EmergencyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s is now marked %(state)s.") % {
                "name": point.name, "state": PointState(form.cleaned_data["state"]).label.lower()})  # fmt: skip
            return redirect(
                reverse("emergencies-staff:detail", kwargs={"pk": point.emergency_id}) + f"#point-{point.pk}"
            )
    emergency = _emergency(request, point.emergency_id)
    return _detail(request, emergency, {point.pk: form})


@login_required
@require_POST
def broadcast_start(request: HttpRequest, pk: int) -> HttpResponse:
    emergency = _emergency(request, pk, manage=True)
    try:
        services.start_broadcast(emergency=emergency, by=request.user)
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The message is being sent to the people who asked for emergency messages."))
    return redirect("emergencies-staff:detail", pk=emergency.pk)


BROADCAST_ACTIONS = {
    "pause": services.pause_broadcast,
    "resume": services.resume_broadcast,
    "cancel": services.cancel_broadcast,
}


@login_required
@require_POST
def broadcast_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rows = Broadcast.objects.filter(
        access.emergency_scope(request.user, country_path="emergency__country", manage=True)
    )
    broadcast = get_object_or_404(rows, pk=pk)
    if action not in BROADCAST_ACTIONS:
        raise Http404
    try:
        BROADCAST_ACTIONS[action](broadcast=broadcast, by=request.user)
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("emergencies-staff:detail", kwargs={"pk": broadcast.emergency_id}) + "#broadcasts")


@login_required
@require_http_methods(GET_POST)
def arrivals(request: HttpRequest, pk: int) -> HttpResponse:
    """Surge registration at one service point: the form again, empty, after each household."""
    rows = ServicePoint.objects.filter(access.emergency_scope(request.user, country_path="emergency__country"))
    point = get_object_or_404(rows.select_related("emergency__country"), pk=pk)
    country = point.emergency.country
    form = ArrivalForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_arrival(point=point, by=request.user, data=form.cleaned_data)
        except services.EmergencyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Registered. Next household."))
            return redirect("emergencies-staff:arrivals", pk=point.pk)
    today = timezone.localtime(timezone.now(), country.zoneinfo).replace(hour=0, minute=0, second=0, microsecond=0)
    context = {"point": point, "form": form, "today": point.arrivals.filter(registered_at__gte=today).count()}
    return render(request, "emergencies/staff_arrivals.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(GET_POST)
def looking_for(request: HttpRequest, pk: int) -> HttpResponse:
    """Families looking for each other: a search recorded, and its matches among the registrations (staff only)."""
    emergency = _emergency(request, pk)
    form = LookingForForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        search = services.register_looking_for(emergency=emergency, by=request.user, data=form.cleaned_data)
        return redirect(reverse("emergencies-staff:looking-for", kwargs={"pk": pk}) + f"?search={search.pk}")
    searches = LookingFor.objects.visible_to(request.user).filter(emergency=emergency)[:50]
    shown = searches and searches[0]
    wanted = record_id(request.GET.get("search"))
    if wanted:
        shown = get_object_or_404(LookingFor.objects.visible_to(request.user).filter(emergency=emergency), pk=wanted)
    found = services.matches(shown, by=request.user) if shown else []
    context = {"emergency": emergency, "form": form, "searches": searches, "shown": shown, "found": found}
    return render(request, "emergencies/staff_looking_for.html", context, status=400 if form.errors else 200)


# -- a registration reaches a window: found by name, linked to a person record or made into one ----------------

# The surge registration's vulnerabilities as the person record's (cases.models.Vulnerability).
VULNERABILITY_TO_PERSON = {
    "child_alone": "separated_child",
    "pregnant": "pregnant",
    "disability": "disability",
    "older": "older_person",
    "illness": "chronic_illness",
    "violence": "violence_survivor",
}


@login_required
@require_http_methods(GET_POST)
def registration_find(request: HttpRequest, pk: int) -> HttpResponse:
    """At a window, the clerk finds the registration of the person in front of them (the name travels in the
    body of a POST, never in a URL)."""
    emergency = _emergency(request, pk)
    name = request.POST.get("name", "").strip()[:120] if request.method == "POST" else ""
    found = services.find_registrations(emergency=emergency, name=name, by=request.user) if name else None
    context = {"emergency": emergency, "name": name, "found": found}
    return render(request, "emergencies/staff_registration_find.html", context)


def _person_initial(arrival) -> dict:
    names = (arrival.contact_name or "").split(maxsplit=1)
    initial = {
        "given_names": names[0] if names else "",
        "family_names": names[1] if len(names) > 1 else "",
        "phone": arrival.contact_phone or "",
        "preferred_language": arrival.language,
        "vulnerabilities": [
            VULNERABILITY_TO_PERSON[v] for v in arrival.vulnerabilities if v in VULNERABILITY_TO_PERSON
        ],
    }
    if arrival.came_from:
        initial["nationality"] = arrival.came_from
    return initial


@login_required
@require_http_methods(GET_POST)
def arrival_person(request: HttpRequest, pk: int) -> HttpResponse:
    """A registration becomes a person record at a window without retyping: the people it may already be
    (the person search on its name and phone) to link, or the intake form filled from it. The link is kept
    on the registration and audited."""
    from cases import selectors as case_selectors
    from cases import services as case_services
    from cases.forms import NewPersonForm
    from cases.models import Person

    arrival = get_object_or_404(Arrival.objects.visible_to(request.user).select_related("point__emergency"), pk=pk)
    if arrival.person_id:
        messages.info(request, _("This registration is already linked to a person record."))
        return redirect("cases:person-detail", pk=arrival.person_id)
    action = request.POST.get("action", "")
    if action == "link":
        person = get_object_or_404(Person.objects.writable_by(request.user), pk=record_id(request.POST.get("person")))
        try:
            services.link_arrival(arrival=arrival, person=person, by=request.user)
        except services.EmergencyError as exc:
            messages.error(request, str(exc))
            return redirect("emergencies-staff:arrival-person", pk=arrival.pk)
        messages.success(request, _("The registration is linked to this person record."))
        return redirect("cases:person-detail", pk=person.pk)
    form = NewPersonForm(
        request.POST if action == "create" else None,
        user=request.user,
        initial={**_person_initial(arrival), "form_token": uuid.uuid4()},
    )
    if action == "create" and form.is_valid():
        data = form.cleaned_data
        try:
            person, _created = case_services.create_person(
                window=data["window"], by=request.user, data=form.person_data(),
                vulnerabilities=data["vulnerabilities"], consents=data["consents"], form_token=data["form_token"],
            )  # fmt: skip
            services.link_arrival(arrival=arrival, person=person, by=request.user)
        except (case_services.CaseError, services.EmergencyError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The person record is made from the registration and linked to it."))
            return redirect("cases:case-create", person=person.pk)
    candidates = []
    if arrival.contact_name or arrival.contact_phone:
        candidates = case_selectors.find_people(
            request.user, names=arrival.contact_name or "", phone=arrival.contact_phone or ""
        )
        case_services.audit_identifier_search(
            user=request.user, phone=arrival.contact_phone or "", found=[m.person.pk for m in candidates]
        )
    context = {"arrival": arrival, "candidates": candidates, "form": form}
    return render(request, "emergencies/staff_arrival_person.html", context, status=400 if form.errors else 200)
