from __future__ import annotations

from django.db import models


class ThrottleCount(models.Model):
    """Uses of a public form by one client in one time window (``helpers.throttle``). Kept in the database
    so that every worker counts the same uses, and a cache outage never stops a form."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class FormSubmission(models.Model):
    """A create form already handled (``helpers.idempotency``): the form's hidden token and what it made."""

    token = models.UUIDField(unique=True)
    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}"
