"""Model fields whose values are encrypted at rest with the portal's own field keys (``privacy.crypto``).

The column holds a Fernet token (text); the model holds the plain value. Values are encrypted on the way
to the database and decrypted on the way back, nowhere else: forms and ``full_clean`` see plain text, and a
length limit applies to the plain text. An empty value is stored as NULL (or "" where the field is not
nullable) and read back as "". Encrypted values cannot be filtered or ordered on; exact search uses a keyed hash beside them.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class EncryptedMixin:
    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def get_db_prep_value(self, value: Any, connection, prepared: bool = False) -> Any:
        if value is None or value == "":
            return None if self.null else ""
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression, connection) -> Any:
        if value is None or value == "":
            return ""
        return crypto.decrypt(value)


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """The attribute names of a model's encrypted fields."""
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


class KeyedTokensField(models.Field):
    """A set of keyed hashes (64-bit integers) searched by overlap: a blind index.

    On PostgreSQL a ``bigint[]`` column, which a GIN index answers "holds one of these" (``&&``) from; on
    SQLite (a laptop) the numbers as text, compared in Python. The model holds a sorted list of ints.
    """

    description = "keyed tokens"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection, prepared: bool = False) -> Any:
        numbers = sorted({int(v) for v in value or ()})
        if connection.vendor == "postgresql":
            return numbers
        return " ".join(str(v) for v in numbers)

    def from_db_value(self, value: Any, expression, connection) -> Any:
        return self.to_python(value)

    def to_python(self, value: Any) -> list[int]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [int(v) for v in value.split()]
        return sorted(int(v) for v in value)
