"""Inserting many rows of a model at once, as ``bulk_create`` does, for the writers of thousands of rows in
one transaction (a register import's chunks): on PostgreSQL by ``COPY``, which spares the building and
quoting of one large ``INSERT`` (most of the import's processor time); elsewhere ``bulk_create``. See
docs/speed.md."""

from __future__ import annotations

from collections.abc import Hashable

from django.db import connections, models


def create(model: type[models.Model], objs: list[models.Model], *, using: str = "default") -> list[models.Model]:
    """Insert ``objs`` (unsaved instances of ``model``) and give them their ids, like
    ``model.objects.bulk_create(objs)``: every concrete field is written as the field prepares it for the
    database (``pre_save`` sets the ``auto_now`` times), no signal is sent. The ids are taken from the
    table's sequence first, then the rows copied with them, in the caller's transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not objs:
        return model._base_manager.using(using).bulk_create(objs)
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # Most columns repeat a few values (a window, a code, a day): each is prepared once, in Django's own
    # fields only (an encrypted field must encrypt each value anew).
    prepared: list[dict | None] = [
        {} if type(f).__module__.startswith(("django.", "django_countries.")) else None for f in fields
    ]
    rows = []
    for obj, pk_value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, pk_value)
        row = [pk_value]
        for field, seen in zip(fields, prepared, strict=True):
            value = field.pre_save(obj, True)
            if seen is not None and isinstance(value, Hashable) and not isinstance(value, models.Model):
                try:
                    row.append(seen[value])
                    continue
                except KeyError:
                    seen[value] = db_value = field.get_db_prep_save(value, connection)
                    row.append(db_value)
                    continue
            row.append(field.get_db_prep_save(value, connection))
        rows.append(row)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"  # the names come from the model
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs
