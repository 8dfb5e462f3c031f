"""Re-encrypting and re-hashing personal data after a key rotation, and converting older rows.

Apps register how to recompute the keyed hashes of their models (``register_rehash``); encrypted fields are
found on every model by themselves. Every pass works in batches by primary key, each batch in its own
transaction, and skips what is already done (a value encrypted with the current key, a hash already equal),
so an interrupted run is simply started again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto
from .fields import encrypted_fields

# model label -> function(instance) -> {hash field: value}
_rehashers: dict[str, Callable[[models.Model], dict[str, str]]] = {}


def register_rehash(model: type[models.Model], function: Callable[[models.Model], dict[str, str]]) -> None:
    """Say how to recompute a model's keyed hashes from its (decrypted) row."""
    _rehashers[model._meta.label] = function


@dataclass
class Pass:
    model: type[models.Model]
    fields: list[str]
    rehash: Callable[[models.Model], dict[str, str]] | None

    @property
    def label(self) -> str:
        return self.model._meta.label


def passes() -> list[Pass]:
    """One pass per model with encrypted fields or keyed hashes, in a stable order."""
    found = []
    for model in sorted(global_apps.get_models(), key=lambda m: m._meta.label):
        fields = encrypted_fields(model)
        rehash = _rehashers.get(model._meta.label)
        if fields or rehash:
            found.append(Pass(model, fields, rehash))
    return found


def _raw(field: str) -> str:
    return f"_raw_{field}"


def rotate_batch(step: Pass, pks: list) -> int:
    """Re-encrypt and re-hash the rows ``pks`` of one model; returns how many rows changed."""
    changed = 0
    with transaction.atomic():
        rows = (
            step.model._base_manager.select_for_update()
            .filter(pk__in=pks)
            .annotate(**{_raw(f): Cast(f, models.TextField()) for f in step.fields})
            .order_by("pk")
        )
        for row in rows:
            updates: dict[str, object] = {}
            for field in step.fields:
                token = getattr(row, _raw(field))
                if token and not crypto.is_current(token):
                    updates[field] = getattr(row, field)  # written back, encrypted with the current key
            if step.rehash is not None:
                for name, value in step.rehash(row).items():
                    if getattr(row, name) != value:
                        updates[name] = value
            if updates:
                step.model._base_manager.filter(pk=row.pk).update(**updates)
                changed += 1
    return changed


def batches(step: Pass, size: int) -> Iterator[list]:
    """The model's primary keys, ``size`` at a time, in order (read lazily: rows added meanwhile are seen)."""
    last = None
    manager = step.model._base_manager
    while True:
        query = manager.order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        pks = list(query.values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks
        last = pks[-1]


def convert_rows(model: type[models.Model], fields: list[str], *, clear_before: bool) -> int:
    """Data migrations: encrypt with the current field key every value of ``fields`` that is not already.

    A value that the configured keys open is left alone; one written by the former library (key derived
    from SECRET_KEY) is decrypted with that scheme; a plain value (``clear_before``: the column held clear
    text until this migration) is encrypted as it is. Anything else stops the migration rather than lose data.
    ``model`` is the migration's historical model, whose fields are already the encrypted ones.
    """
    changed = 0
    manager = model._base_manager
    rows = manager.annotate(**{_raw(f): Cast(f, models.TextField()) for f in fields}).values_list(
        "pk", *[_raw(f) for f in fields]
    )
    for pk, *tokens in rows.iterator():
        updates = {}
        for field, token in zip(fields, tokens, strict=True):
            if not token:
                continue
            try:
                crypto.decrypt(token)
                continue
            except crypto.DecryptionError:
                pass
            plain = crypto.legacy_decrypt(token)
            if plain is None:
                if not clear_before:
                    raise crypto.DecryptionError(f"{model._meta.label}.{field} of row {pk}: no key opens it")
                plain = token
            updates[field] = plain
        if updates:
            manager.filter(pk=pk).update(**updates)
            changed += 1
    return changed
