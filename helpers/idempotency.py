"""Create forms that make one record however often they are sent.

A create form carries a hidden token minted when it is shown (``OneTimeForm``). The service that creates
the record runs ``once(token, Model, create)``: the first submission stores the token with the record's id
in the same transaction; a second one (a double click, a reload, the same POST at the same instant) finds
the token and gets the first record back instead of making another. Two submissions at once meet on the
token's unique index: the second waits for the first to commit, then reads what it made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils import timezone

T = TypeVar("T", bound=models.Model)
KEEP = timedelta(days=7)  # a form resent after a week is a new one


class OneTimeForm(forms.Form):
    """Mix into a create form: a hidden token, new each time the blank form is shown."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def made(token: uuid.UUID, model: type[T]) -> T | None:
    """The record a submission of this form already made, if any."""
    return _made(token, model)


def _made(token: uuid.UUID, model: type[T]) -> T | None:
    from .models import FormSubmission

    found = FormSubmission.objects.filter(token=token, model=_label(model)).exclude(object_id=None).first()
    return model._default_manager.filter(pk=found.object_id).first() if found else None


def once(token: uuid.UUID | None, model: type[T], create: Callable[[], T]) -> tuple[T, bool]:
    """(record, created): ``create()`` runs at most once per token; later calls return its record."""
    from .models import FormSubmission

    if not token:
        return create(), True
    existing = _made(token, model)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(token=token, model=_label(model))
            record = create()
            FormSubmission.objects.filter(pk=submission.pk).update(object_id=record.pk)
    except IntegrityError:
        existing = _made(token, model)  # another submission of the same form got there first
        if existing is None:
            raise
        return existing, False
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return record, True


def token_of(data: dict[str, Any]) -> uuid.UUID | None:
    """Take the form token out of a form's cleaned data (the service gets the rest)."""
    return data.pop("form_token", None)
