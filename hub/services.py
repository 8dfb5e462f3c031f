"""Every change of state of the public content: the editorial workflow, publication, feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanillas import access

from .models import Content, FeedbackComment, FeedbackCount, Revision, RevisionStatus, text_hash
from .search import refresh_vector

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from ventanillas.models import Country


class WorkflowError(Exception):
    """A transition that the revision's current state does not allow; the message is for the editor."""


def can_edit(user: AbstractBaseUser, country: Country, language: str) -> bool:
    return language in access.editor_languages(user, country)


def require_editor(user: AbstractBaseUser, country: Country, language: str) -> None:
    """403 for anyone who may not edit the country's content in ``language``."""
    if not can_edit(user, country, language):
        raise PermissionDenied


def _locked(revision: Revision) -> Revision:
    return (
        Revision.objects.select_for_update(of=("self",))
        .select_related("guide__country", "article__country")
        .get(pk=revision.pk)
    )


def _check(revision: Revision, allowed: tuple[str, ...]) -> None:
    if revision.status not in allowed:
        raise WorkflowError(
            _("This version is %(status)s: it cannot take this step.") % {"status": revision.get_status_display()}
        )


def create_item(
    *, model: type[Content], country: Country, slug: str, topic: str, source_language: str, by, pathway=None
) -> Content:
    """A new guide or article with no text yet (nothing is public until a text is published).

    Precondition: ``by`` may edit the country's content in ``source_language``.
    """
    require_editor(by, country, source_language)
    extra = {"pathway": pathway} if pathway is not None else {}
    return model.objects.create(country=country, slug=slug, topic=topic, source_language=source_language, **extra)


def open_revision(*, item: Content, language: str, by: AbstractBaseUser) -> Revision:
    """The draft or in-review version of ``item`` in ``language``, started from the published text if none.

    Precondition: ``by`` may edit the item's country in ``language``. A translation remembers which
    source text it starts from, so that the status page can tell later whether the source moved on.
    """
    require_editor(by, item.country, language)
    field = "guide" if item._meta.model_name == "guide" else "article"
    with transaction.atomic():
        existing = (
            Revision.objects.select_for_update()
            .filter(**{field: item}, language=language, status__in=[RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW])
            .first()
        )
        if existing:
            return existing
        return Revision.objects.create(
            **{field: item},
            language=language,
            title=item.raw("title", language),
            summary=item.raw("summary", language),
            body=item.raw("body", language),
            source_hash=item.source_hash,
            source_date=timezone.localdate(item.source_changed_at) if item.source_changed_at else None,
            author=by,
            edited_by=by,
        )


def save_draft(
    *, revision: Revision, by: AbstractBaseUser, title: str, summary: str, body: str, note: str = ""
) -> Revision:
    """Change the text of a draft. A version in review goes back to draft when it is edited."""
    require_editor(by, revision.item.country, revision.language)
    with transaction.atomic():
        revision = _locked(revision)
        _check(revision, (RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW))
        revision.title, revision.summary, revision.body, revision.note = title, summary, body, note
        revision.status = RevisionStatus.DRAFT
        revision.submitted_at, revision.submitted_by = None, None
        revision.edited_by = by
        revision.save()
    return revision


def submit_revision(*, revision: Revision, by: AbstractBaseUser) -> Revision:
    """Draft → in review."""
    require_editor(by, revision.item.country, revision.language)
    with transaction.atomic():
        revision = _locked(revision)
        _check(revision, (RevisionStatus.DRAFT,))
        revision.status = RevisionStatus.IN_REVIEW
        revision.submitted_at, revision.submitted_by = timezone.now(), by
        revision.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return revision


def return_revision(*, revision: Revision, by: AbstractBaseUser) -> Revision:
    """In review → draft (the reviewer asks for changes)."""
    require_editor(by, revision.item.country, revision.language)
    with transaction.atomic():
        revision = _locked(revision)
        _check(revision, (RevisionStatus.IN_REVIEW,))
        revision.status = RevisionStatus.DRAFT
        revision.submitted_at, revision.submitted_by = None, None
        revision.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return revision


def publish_revision(*, revision: Revision, by: AbstractBaseUser, emergency: bool = False) -> Revision:
    """In review → published: the text goes live in its language and the revision stays in the history.

    Four eyes: the publisher is an editor other than the last one to have written the text.
    Where the country allows it (``Country.solo_emergency_publishing``) a writer may publish alone a text
    they mark as an emergency alert (``emergency``); the revision records that it was published alone.
    """
    require_editor(by, revision.item.country, revision.language)
    with transaction.atomic():
        revision = _locked(revision)
        _check(revision, (RevisionStatus.IN_REVIEW,))
        alone = revision.written_by(by)
        if alone and not (emergency and revision.item.country.solo_emergency_publishing):
            raise WorkflowError(_("Another editor must review and publish this text: its writer cannot publish it."))
        publish_text(
            item=revision.item,
            language=revision.language,
            title=revision.title,
            summary=revision.summary,
            body=revision.body,
            made_from=(revision.source_hash, revision.source_date.isoformat() if revision.source_date else ""),
        )
        revision.status = RevisionStatus.PUBLISHED
        revision.published_at = timezone.now()
        revision.published_by, revision.published_alone = by, alone
        revision.save(update_fields=["status", "published_at", "published_by", "published_alone", "updated_at"])
    return revision


def publish_text(
    *, item: Content, language: str, title: str, summary: str, body: str, made_from: tuple[str, str] | None = None
) -> Content:
    """Put a text live in one language and keep the translation bookkeeping true.

    Publishing the source language records a new fingerprint (and date) when the text really changed,
    which makes every translation made from the old text "outdated". Publishing a translation records
    the source it was made from (``made_from``: fingerprint and ISO date; the current source if None).
    Also rebuilds the language's search vector. Callers hold a transaction (or accept autocommit).
    """
    item = type(item).objects.select_for_update().get(pk=item.pk)
    for name, value in (("title", title), ("summary", summary), ("body", body)):
        setattr(item, f"{name}_{language}", value)
    now = timezone.now()
    if language == item.source_language:
        fingerprint = text_hash(title, summary, body)
        if fingerprint != item.source_hash:
            item.source_hash = fingerprint
            item.source_changed_at = now
    else:
        if made_from is None or not made_from[0]:
            source_day = timezone.localdate(item.source_changed_at) if item.source_changed_at else now.date()
            made_from = (item.source_hash, source_day.isoformat())
        item.translation_sources = {**item.translation_sources, language: {"hash": made_from[0], "date": made_from[1]}}
    item.save()
    refresh_vector(item, language)
    return item


def record_feedback(*, country: Country, page: str, language: str, useful: bool, comment: str = "") -> None:
    """Count one yes/no answer for a page in a language, and keep the optional comment without its author."""
    with transaction.atomic():
        counter, _created = FeedbackCount.objects.select_for_update().get_or_create(
            country=country, page=page, language=language
        )
        field = "useful" if useful else "not_useful"
        FeedbackCount.objects.filter(pk=counter.pk).update(**{field: F(field) + 1})
        if comment.strip():
            FeedbackComment.objects.create(
                country=country, page=page, language=language, useful=useful, comment=comment.strip()
            )
