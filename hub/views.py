from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import pagecache
from accounts.origin import same_origin_post
from helpers import throttle
from helpers.marked import Marked
from pagecache import country_tags, public_page
from ventanillas import access
from ventanillas.hours import next_change
from ventanillas.selectors import window_directory

from . import selectors, services
from .forms import FeedbackForm, NewItemForm, RevisionForm, SearchForm
from .languages import Localized, language_name, localize, ordered_for, reader_language_name
from .models import LANGUAGE_CODES, Article, Content, Guide, Revision
from .pathways import facts_box, guide_facts
from .pdf import guide_pdf
from .search import search, suggestion

KINDS: dict[str, type[Content]] = {"guides": Guide, "articles": Article}
# Answers one connection may give in an hour: far more than a reader (or a family sharing a phone)
# gives, far fewer than a script needs to skew a page's counts.
FEEDBACK_PER_HOUR = 30
# The same answer from the same connection on the same page within this many seconds is counted once.
FEEDBACK_REPEAT_SECONDS = 300


def _kind_model(kind: str) -> type[Content]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@require_safe
@public_page(lambda country: country_tags(country, "content", "windows"))
def country_home(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = selectors.country_or_404(country)
    lang = get_language()
    local_now = timezone.localtime(timezone.now(), country_obj.zoneinfo)
    cards = window_directory(country_obj, local_now)
    pagecache.valid_until(request, next_change(card.status for card in cards))
    context = {
        "country": country_obj,
        "guides": selectors.localized_items(selectors.published_guides(country_obj), lang, country_obj),
        "articles": selectors.localized_items(selectors.published_articles(country_obj), lang, country_obj),
        "cards": cards,
        "local_now": local_now,
        "search_form": SearchForm(),
        "page_languages": country_obj.public_languages,
    }
    return render(request, "hub/country_home.html", context)


def _content_page(request: HttpRequest, item: Content, kind: str, localized: Localized, **extra) -> HttpResponse:
    if hasattr(item, "demo_data"):
        request.demo_data = item.demo_data  # read with the item: the banner asks no second query
    box = facts_box(request, item, localized.requested) if kind == "guides" else ""
    alternates = selectors.alternates(item)
    page_url = request.build_absolute_uri(item.get_absolute_url())
    # The page's own part (text, notices, pathway box, sharing links, the empty feedback form) shows nothing
    # but what this key names: the item as saved, the languages, the day (a review that falls due), the
    # address, the box. The process renders it once per key (docs/speed.md); a preview or an answered form
    # is rendered every time.
    content_key = None
    if not extra:
        content_key = (kind, item.pk, item.updated_at, localized.language, localized.requested, get_language(),
                       timezone.localdate(), page_url, tuple(alternates), box)  # fmt: skip
    context = {
        "country": item.country,
        "item": item,
        "kind": kind,
        "text": localized,
        "facts_box": box,
        "alternates": alternates,
        "page_languages": ordered_for(item.country, item.languages()),
        "feedback_form": extra.pop("feedback_form", None) or FeedbackForm(initial={"kind": kind, "slug": item.slug}),
        "page_url": page_url,
        "content_key": content_key,
        **extra,
    }
    return render(request, "hub/content_detail.html", context)


def _item_tags(country: str, slug: str, kind: str) -> list[str]:
    return [*country_tags(country, "pathways"), f"item:{kind}:{country.upper()}:{slug}"]


@require_safe
@public_page(_item_tags)
def content_detail(request: HttpRequest, country: str, slug: str, kind: str) -> HttpResponse:
    item = selectors.published_item_or_404(_kind_model(kind), country, slug)
    localized = localize(item, get_language(), item.country)
    return _content_page(request, item, kind, localized)


@require_safe
def guide_download(request: HttpRequest, country: str, slug: str) -> HttpResponse:
    """The guide on one page, as a PDF a window can print and hand out, with a QR code to the page online."""
    item = selectors.published_item_or_404(Guide, country, slug)
    if item.pathway is not None:
        prefetch_related_objects([item.pathway], "facts", "steps", "documents")
    country_obj = item.country
    localized = localize(item, get_language(), country_obj)
    facts = guide_facts(item, localized.requested)
    cards = window_directory(country_obj, timezone.localtime(timezone.now(), country_obj.zoneinfo))
    response = HttpResponse(
        guide_pdf(localized, facts, request.build_absolute_uri(item.get_absolute_url()), cards, localized.requested),
        content_type="application/pdf",
    )
    # Saved under the title the reader reads, so that the five languages' copies do not overwrite each other.
    name = f"{country_obj.slug}-{slugify(localized.title) or item.slug}-{get_language()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_safe
@public_page(lambda country: country_tags(country, "faq"))
def faq(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = selectors.country_or_404(country)
    entries = selectors.faq_entries(country_obj, get_language())
    return render(
        request,
        "hub/faq.html",
        {"country": country_obj, "entries": entries, "page_languages": country_obj.public_languages},
    )


@require_safe
@public_page(lambda country: country_tags(country, "content", "windows"))
def search_view(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = selectors.country_or_404(country)
    form = SearchForm(request.GET or None)
    lang = get_language()
    hits = search(country_obj, lang, form.cleaned_data["q"]) if form.is_valid() else []
    searched = form.is_bound and form.is_valid() and form.cleaned_data["q"]
    context = {
        "country": country_obj,
        "form": form,
        "hits": hits,
        "searched": searched,
        "page_languages": country_obj.public_languages,
    }
    if searched and not hits:
        # No dead end: the nearest words the country's content knows, its guides and the windows to call or
        # write to instead.
        context["suggestion"] = suggestion(country_obj, searched)
        local_now = timezone.localtime(timezone.now(), country_obj.zoneinfo)
        context["guides"] = selectors.localized_items(selectors.published_guides(country_obj), lang, country_obj)
        context["cards"] = window_directory(country_obj, local_now)
    return render(request, "hub/search.html", context)


@same_origin_post
@require_POST
def feedback(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = selectors.country_or_404(country)
    form = FeedbackForm(request.POST)
    throttled = form.is_valid() and not throttle.allow(request, "hub-feedback", limit=FEEDBACK_PER_HOUR)
    if throttled:
        form.add_error(None, gettext("Too many answers came from this connection. Please try again in an hour."))
    if not form.is_valid():
        item = None
        slug = form.cleaned_data.get("slug")  # only a valid slug reaches a query (a NUL byte would not)
        if form.cleaned_data.get("kind") in KINDS and slug:
            item = KINDS[form.cleaned_data["kind"]].objects.filter(country=country_obj, slug=slug).first()
        if item is None or not item.languages():
            raise Http404
        localized = localize(item, get_language(), country_obj)
        response = _content_page(request, item, form.data["kind"], localized, feedback_form=form)
        response.status_code = 429 if throttled else 200
        return response
    item = selectors.published_item_or_404(KINDS[form.cleaned_data["kind"]], country_obj, form.cleaned_data["slug"])
    # One post, one answer: the same answer from the same connection on the same page within a few minutes (a
    # double click, a resent form) is thanked again but counted once.
    answer = hashlib.sha256(f"{form.page}|{get_language()}|{form.cleaned_data['useful']}|"
                            f"{form.cleaned_data['comment']}".encode()).hexdigest()[:16]  # fmt: skip
    if not throttle.allow(request, f"hub-feedback-once:{answer}", limit=1, period=FEEDBACK_REPEAT_SECONDS):
        messages.success(request, gettext("Thank you. Your answer helps us improve this page."))
        return redirect(item.get_absolute_url() + "#feedback")
    services.record_feedback(
        country=country_obj,
        page=form.page,
        language=get_language(),
        useful=form.cleaned_data["useful"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(request, gettext("Thank you. Your answer helps us improve this page."))
    return redirect(item.get_absolute_url() + "#feedback")


# Editors ---------------------------------------------------------------------------------------------


def _editor_country(request: HttpRequest, country: str):
    country_obj = selectors.country_or_404(country)
    languages = access.editor_languages(request.user, country_obj)
    if not languages:
        raise PermissionDenied
    return country_obj, languages


@login_required
@require_safe
def editor_status(request: HttpRequest, country: str) -> HttpResponse:
    country_obj, languages = _editor_country(request, country)
    rows = selectors.translation_status(country_obj)
    return render(
        request,
        "hub/editor/status.html",
        {
            "country": country_obj,
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "languages": LANGUAGE_CODES,
            "editable": languages,
            "open_revisions": selectors.open_revisions(country_obj, languages),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def editor_new(request: HttpRequest, country: str) -> HttpResponse:
    country_obj, languages = _editor_country(request, country)
    choices = [(code, Marked(language_name(code), code)) for code in LANGUAGE_CODES if code in languages]
    form = NewItemForm(request.POST or None, country=country_obj, languages=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.create_item(
            model=KINDS[data["kind"]],
            country=country_obj,
            slug=data["slug"],
            topic=data["topic"],
            source_language=data["source_language"],
            pathway=data["pathway"],
            by=request.user,
        )
        return redirect(selectors.editor_item_url(data["kind"], item, item.source_language))
    return render(request, "hub/editor/new.html", {"country": country_obj, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def editor_edit(request: HttpRequest, country: str, kind: str, slug: str, language: str) -> HttpResponse:
    country_obj = selectors.country_or_404(country)
    if language not in LANGUAGE_CODES:
        raise Http404
    item = get_object_or_404(_kind_model(kind), country=country_obj, slug=slug)
    services.require_editor(request.user, country_obj, language)
    revision = selectors.open_revision(item, language)
    initial = {name: item.raw(name, language) for name in ("title", "summary", "body")}
    form = RevisionForm(
        request.POST or None, instance=revision, initial=None if revision else initial, language=language
    )
    if request.method == "POST" and form.is_valid():
        revision = services.open_revision(item=item, language=language, by=request.user)
        services.save_draft(by=request.user, revision=revision, **form.cleaned_data)
        if "submit" in request.POST:
            services.submit_revision(revision=revision, by=request.user)
            messages.success(request, gettext("The text was sent for review."))
        else:
            messages.success(request, gettext("The draft was saved."))
        return redirect("hub:editor-revision", country=country_obj.slug, pk=revision.pk)
    return render(
        request,
        "hub/editor/edit.html",
        {
            "country": country_obj,
            "item": item,
            "kind": kind,
            "revision": revision,
            "form": form,
            "language": language,
            "language_name": reader_language_name(language),
            "source_text": None
            if language == item.source_language
            else {name: item.raw(name, item.source_language) for name in ("title", "summary", "body")},
        },
    )


def _revision_or_404(request: HttpRequest, country: str, pk: int) -> Revision:
    country_obj = selectors.country_or_404(country)
    revision = get_object_or_404(
        Revision.objects.select_related("guide__country", "article__country", "author", "edited_by", "submitted_by"),
        pk=pk,
    )
    if revision.item.country_id != country_obj.pk:
        raise Http404
    services.require_editor(request.user, country_obj, revision.language)
    return revision


@login_required
@require_safe
def editor_revision(request: HttpRequest, country: str, pk: int) -> HttpResponse:
    revision = _revision_or_404(request, country, pk)
    return render(
        request,
        "hub/editor/revision.html",
        {
            "country": revision.item.country,
            "revision": revision,
            "item": revision.item,
            "written_by_me": revision.written_by(request.user),
        },
    )


ACTIONS = {
    "submit": (services.submit_revision, gettext_lazy("The text was sent for review.")),
    "return": (services.return_revision, gettext_lazy("The text went back to draft.")),
    "publish": (services.publish_revision, gettext_lazy("The text is published.")),
}


@login_required
@require_POST
def editor_action(request: HttpRequest, country: str, pk: int, action: str) -> HttpResponse:
    revision = _revision_or_404(request, country, pk)
    if action not in ACTIONS:
        raise Http404
    step, done = ACTIONS[action]
    extra = {"emergency": request.POST.get("emergency") == "1"} if action == "publish" else {}
    try:
        step(revision=revision, by=request.user, **extra)
        messages.success(request, str(done))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("hub:editor-revision", country=country, pk=revision.pk)


@login_required
@require_safe
def editor_preview(request: HttpRequest, country: str, pk: int) -> HttpResponse:
    """The page as readers will see it once this version is published; nothing is saved."""
    revision = _revision_or_404(request, country, pk)
    item = revision.item
    for name in ("title", "summary", "body"):
        setattr(item, f"{name}_{revision.language}", getattr(revision, name))
    localized = Localized(item=item, language=revision.language, requested=revision.language)
    response = _content_page(request, item, revision.kind, localized, preview=revision)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_safe
def editor_history(request: HttpRequest, country: str, kind: str, slug: str) -> HttpResponse:
    country_obj, languages = _editor_country(request, country)
    item = get_object_or_404(_kind_model(kind), country=country_obj, slug=slug)
    field = "guide" if kind == "guides" else "article"
    revisions = Revision.objects.filter(**{field: item}).select_related(
        "author", "edited_by", "submitted_by", "published_by"
    )
    return render(
        request,
        "hub/editor/history.html",
        {"country": country_obj, "item": item, "kind": kind, "revisions": revisions, "editable": languages},
    )
