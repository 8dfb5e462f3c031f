"""Pages of the training app: the public catalogue, enrolment and verification; the trainers' pages."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import pagecache
from accounts.security import personal_data
from helpers import throttle
from helpers.spreadsheets import download
from privacy import audit
from ventanillas import access
from ventanillas.models import Country, Role, Sex

from . import bulk, selectors, services
from .forms import (
    AttendanceForm,
    BulkUploadForm,
    CatalogueFilterForm,
    CourseForm,
    EnrolmentForm,
    ExportForm,
    ReasonForm,
    SessionForm,
    VerifyForm,
)
from .messages import LinkExpired, enrolment_id_from_token
from .models import Certificate, Course, Enrolment, Sector, Session, Status
from .pdf import certificate_pdf

BULK_SESSION_KEY = "training-bulk-{pk}"
# Public enrolment requests one connection may send in an hour. Each one e-mails a link, so without a
# limit the form could be used to flood inboxes or fill the participant table; an office enrolling its
# staff one by one stays well below it (larger groups go through the trainers' CSV import).
ENROLMENTS_PER_HOUR = 20


# --- public pages -------------------------------------------------------------------------------------


@require_safe
@pagecache.public_page(lambda: ["training", "countries"])
def catalogue(request: HttpRequest) -> HttpResponse:
    # Sessions leave the catalogue by the date (UTC): a cached copy ends at midnight.
    now = dt.datetime.now(tz=dt.UTC)
    pagecache.valid_until(request, dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
    form = CatalogueFilterForm(request.GET or None)
    country = language = None
    if form.is_valid():
        country, language = form.cleaned_data["country"], form.cleaned_data["language"]
    sessions = selectors.public_sessions(country=country, language=language or "")
    page_languages = country.public_languages if country else None
    return render(
        request, "training/catalogue.html", {"form": form, "sessions": sessions, "page_languages": page_languages}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.public().select_related("course", "country"), pk=pk)
    form = EnrolmentForm(request.POST or None, initial={"country": session.country})
    throttled = False
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "training-enrolment", limit=ENROLMENTS_PER_HOUR):
            throttled = True
            form.add_error(
                None, _("Too many enrolment requests came from this connection. Please try again in an hour.")
            )
        else:
            try:
                services.request_enrolment(session=session, data=form.participant_data())
            except services.TrainingError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("training:enrolment-sent")
    context = {"session": session, "form": form, "open": session.is_open_for_enrolment()}
    return render(request, "training/session_detail.html", context, status=429 if throttled else 200)


@require_safe
def enrolment_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "training/enrolment_sent.html")


def _enrolment_for_token(token: str) -> Enrolment:
    pk = enrolment_id_from_token(token)
    if pk is None:
        raise Http404
    return get_object_or_404(Enrolment.objects.select_related("session__course", "session__country"), pk=pk)


def _link_expired(request: HttpRequest) -> HttpResponse:
    return render(request, "training/link_expired.html", status=410)


ACTIONS = {
    "confirm": services.confirm_email,
    "accept": services.accept_offer,
    "cancel": services.cancel_enrolment,
    "unsubscribe": services.unsubscribe,
}


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's own page, reached from the links in our messages: confirm, accept, cancel."""
    try:
        enrolment = _enrolment_for_token(token)
    except LinkExpired:
        return _link_expired(request)
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponse(status=400)
        try:
            action(enrolment=enrolment)
        except services.TrainingError as exc:
            messages.error(request, str(exc))
        else:
            if request.POST["action"] == "unsubscribe":
                messages.success(request, _("Done. We will not write to you any more."))
            else:
                status = _status(enrolment)
                messages.success(request, _("Done. Your enrolment is now: %(status)s.") % {"status": status})
        return redirect("training:enrolment", token=token)
    certificate = Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()
    return render(
        request, "training/enrolment.html", {"enrolment": enrolment, "token": token, "certificate": certificate}
    )


def _status(enrolment: Enrolment) -> str:
    enrolment.refresh_from_db(fields=["status"])
    return enrolment.get_status_display()


@personal_data
@require_safe
def enrolment_certificate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrolment = _enrolment_for_token(token)
    except LinkExpired:
        return _link_expired(request)
    certificate = get_object_or_404(Certificate, enrolment=enrolment, revoked_at__isnull=True)
    audit.record(
        user=request.user,
        action=audit.DOWNLOAD,
        object_type="training.certificate",
        object_id=certificate.pk,
        details={"kind": "certificate_pdf", "by": "participant"},
    )
    return _pdf_response(request, certificate)


def _pdf_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    verify_url = request.build_absolute_uri(certificate.get_check_url())
    response = HttpResponse(certificate_pdf(certificate, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    certificate = None
    if form.is_valid():
        certificate = (
            Certificate.objects.select_related("enrolment__session__country")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
        if certificate is None:
            form.add_error("code", _("No certificate has this code. Check it and try again."))
    return render(request, "training/verify.html", {"form": form, "certificate": certificate})


@require_safe
@personal_data
def certificate_check(request: HttpRequest, certificate_token: str) -> HttpResponse:
    """The page a certificate's QR code opens: the course, the day it was completed and whether the certificate
    is valid. It names nobody: the token is unguessable, and whoever holds the paper already has the name."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrolment__session__country", "enrolment__session__course"),
        token=certificate_token,
    )
    return render(request, "training/certificate_check.html", {"certificate": certificate})


# --- trainers' pages ----------------------------------------------------------------------------------


def trainer_required(view):
    """Logged in, and a trainer or an administrator; which sessions they see is decided by visible_to."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not access.has_role(request.user, Role.TRAINER):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _session(request: HttpRequest, pk: int) -> Session:
    return get_object_or_404(Session.objects.visible_to(request.user).select_related("course", "country"), pk=pk)


@trainer_required
@require_safe
def staff_sessions(request: HttpRequest) -> HttpResponse:
    sessions = Session.objects.visible_to(request.user).select_related("course", "country").order_by("-starts_on")
    return render(request, "training/staff/sessions.html", {"sessions": sessions})


# --- courses and sessions, published by trainers -------------------------------------------------------


@trainer_required
@require_safe
def staff_courses(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.editable_by(request.user).select_related("country")
    return render(request, "training/staff/courses.html", {"courses": courses})


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a course (no ``pk``) or edit one of the trainer's countries."""
    course = get_object_or_404(Course.objects.editable_by(request.user), pk=pk) if pk else None
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_course(
            course=course, data=form.course_data(), by=request.user, form_token=form.cleaned_data.get("form_token")
        )
        messages.success(request, _("The course was saved."))
        return redirect("training:staff-courses")
    return render(request, "training/staff/course_form.html", {"form": form, "course": course})


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a session (no ``pk``) in one of the trainer's countries, or edit one they teach."""
    session = _session(request, pk) if pk else None
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        trainers = form.cleaned_data["trainers"]
        try:
            if session is None:
                session = services.create_session(
                    data=form.session_data(),
                    trainers=trainers,
                    by=request.user,
                    form_token=form.cleaned_data.get("form_token"),
                )
            else:
                services.update_session(session=session, data=form.session_data(), trainers=trainers, by=request.user)
        except services.TrainingError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("The session was saved."))
            return redirect("training:staff-session", pk=session.pk)
    return render(request, "training/staff/session_form.html", {"form": form, "session": session})


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = ReasonForm(request.POST or None, submit_label=_("Cancel the session"))
    if request.method == "POST" and form.is_valid():
        try:
            count = services.cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
        except services.TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "The session was cancelled; %(count)d participant was told.",
                    "The session was cancelled; %(count)d participants were told.",
                    count,
                )
                % {"count": count},
            )
            return redirect("training:staff-session", pk=session.pk)
    return render(request, "training/staff/session_cancel.html", {"session": session, "form": form})


@trainer_required
@require_safe
def staff_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    roster = selectors.roster(session)
    certificates = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment__session=session)}
    for enrolment in roster:
        enrolment.issued_certificate = certificates.get(enrolment.pk)
    context = {
        "session": session,
        "roster": roster,
        # attendance only for days whose session has begun; results only once the last day has ended
        "days": [d for d in session.days if session.day_begins_at(d) <= timezone.now()],
        "can_finalise": not session.finalised_at and not session.cancelled_at and session.is_over(),
        "has_started": session.has_started(),
    }
    return render(request, "training/staff/session.html", context)


@trainer_required
@require_POST
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user), pk=pk)
    try:
        services.cancel_enrolment(enrolment=enrolment, reason=request.POST.get("reason", "")[:200])
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The enrolment was cancelled."))
    return redirect("training:staff-session", pk=enrolment.session_id)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_attendance(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    session = _session(request, pk)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    if date not in session.days:
        raise Http404
    enrolments = session.enrolments.filter(status__in=[Status.CONFIRMED, Status.ATTENDED]).select_related("participant")
    marks = dict(session.enrolments.filter(attendance__day=date).values_list("pk", "attendance__mark"))
    # names are encrypted: sorted once read
    enrolments = sorted(enrolments, key=lambda e: e.participant.name.lower())
    form = AttendanceForm(request.POST or None, enrolments=enrolments, marks=marks)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_attendance(session=session, day=date, marks=form.marks(), by=request.user)
        except services.TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance saved for %(count)d participant.", "Attendance saved for %(count)d participants.", count
                )
                % {"count": count},
            )
            return redirect("training:staff-session", pk=session.pk)
    return render(request, "training/staff/attendance.html", {"session": session, "day": date, "form": form})


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page listing who will get a certificate; closing happens only on its POST."""
    session = _session(request, pk)
    if request.method == "GET":
        if session.finalised_at or session.cancelled_at:
            return redirect("training:staff-session", pk=session.pk)
        context = {"session": session, "rows": services.finalise_preview(session), "over": session.is_over()}
        return render(request, "training/staff/finalise.html", context)
    try:
        counts = services.finalise_session(session=session)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Results closed: %(completed)d completed, %(no_show)d did not come.")
            % {"completed": counts[Status.COMPLETED], "no_show": counts[Status.NO_SHOW]},
        )
    return redirect("training:staff-session", pk=session.pk)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV and see each line checked; nothing is saved until the trainer confirms."""
    session = _session(request, pk)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = bulk.parse(form.cleaned_data["file"].read(), session=session)
        if preview.error:
            form.add_error("file", preview.error)
            preview = None
        else:
            request.session[BULK_SESSION_KEY.format(pk=session.pk)] = [line.values for line in preview.to_enrol]
    context = {"session": session, "form": form, "preview": preview, "columns": bulk.REQUIRED + bulk.OPTIONAL}
    return render(request, "training/staff/import.html", context)


@trainer_required
@require_POST
def staff_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    rows = request.session.pop(BULK_SESSION_KEY.format(pk=session.pk), None)
    if not rows:
        messages.error(request, _("There is nothing to enrol: upload the file again."))
        return redirect("training:staff-import", pk=session.pk)
    created = 0
    try:
        # All or nothing: a failure on one line enrols nobody from the file.
        with transaction.atomic():
            for values in rows:
                _enrolment, new = services.enrol_verified(session=session, data=_participant_data(values))
                created += new
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d participant enrolled from the file.",
                "%(count)d participants enrolled from the file.",
                created,
            )
            % {"count": created},
        )
    return redirect("training:staff-session", pk=session.pk)


def _participant_data(values: dict[str, str]) -> services.ParticipantData:
    return services.ParticipantData(
        email=values["email"],
        name=values["name"],
        sector=values["sector"],
        sex=values["sex"],
        country_id=int(values["country_id"]),
        language=values["language"],
        phone=values.get("phone", ""),
        institution=values.get("institution", ""),
    )


@trainer_required
@require_safe
def staff_roster_csv(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    audit.record(
        user=request.user,
        action=audit.DOWNLOAD,
        object_type="training.session",
        object_id=session.pk,
        details={"kind": "roster_csv"},
    )
    rows = [["name", "email", "institution", "sector", "sex", "country", "status", "days_present"]]
    for e in selectors.roster(session):
        p = e.participant
        rows.append([p.name, p.email, p.institution, p.sector, p.sex, p.country.code, e.status, e.present_days])
    return download(rows, fmt="csv", filename=f"roster-{session.pk}")


@trainer_required
@require_safe
def staff_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    audit.record(
        user=request.user,
        action=audit.DOWNLOAD,
        object_type="training.certificate",
        object_id=certificate.pk,
        details={"kind": "certificate_pdf"},
    )
    return _pdf_response(request, certificate)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST or None, submit_label=_("Revoke the certificate"))
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
        except services.TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The certificate was revoked."))
            return redirect("training:staff-session", pk=certificate.enrolment.session_id)
    return render(request, "training/staff/revoke.html", {"certificate": certificate, "form": form})


@trainer_required
@require_safe
def staff_people_trained(request: HttpRequest) -> HttpResponse:
    """The "people trained" figures of the sessions the user teaches (all for an administrator)."""
    form = ExportForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    enrolments = selectors.completed_enrolments(
        Enrolment.objects.visible_to(request.user), **{k: v for k, v in filters.items() if v}
    )
    figures = selectors.people_trained(enrolments)
    export = request.GET.get("format")
    if export in ("csv", "xlsx") and not form.errors:
        return _export(figures, export)
    context = {"form": form, "figures": figures, "rows": _table(figures)[1]}
    return render(request, "training/staff/people_trained.html", context)


def _table(figures: dict) -> tuple[list[str], list[list]]:
    """Header and rows of the figures, with the labels in the current language."""
    sectors, sexes = dict(Sector.choices), dict(Sex.choices)
    # Country names in the reader's language (translated column, read once for the table).
    countries = {c.code: c.name for c in Country.objects.all()}
    header = [_("Country"), _("Sector"), _("Sex"), _("Completions"), _("People trained")]
    rows = [
        [
            countries.get(r["session__country__code"], r["session__country__code"]),
            str(sectors.get(r["participant__sector"], r["participant__sector"])),
            str(sexes.get(r["participant__sex"], r["participant__sex"])),
            r["completions"],
            r["people"],
        ]
        for r in figures["rows"]
    ]
    return header, rows


def _export(figures: dict, fmt: str) -> HttpResponse:
    header, rows = _table(figures)
    rows.append([_("Total"), "", "", figures["totals"]["completions"], figures["totals"]["people"]])
    return download([header, *rows], fmt=fmt, filename="people-trained", title=_("People trained"))
