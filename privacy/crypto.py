"""Keys for personal data at rest: ``FIELD_ENCRYPTION_KEYS`` encrypt fields and ``SEARCH_HASH_KEYS`` make keyed
hashes for exact search; the first key of each list writes, all read, so ``rotate_field_keys`` can rotate
them. Neither depends on ``SECRET_KEY``. See docs/personal-data.md."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SALT = b"ventanillas/field-encryption/v1"


class DecryptionError(ValueError):
    """A stored value that none of the configured keys opens."""


def _stretch(passphrase: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=200_000)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


@cache
def _fernet_key(key: str) -> bytes:
    try:
        if len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32:
            return key.encode("ascii")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass
    return _stretch(key, _SALT)


def field_keys() -> list[str]:
    keys = [k for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return keys


@cache
def _ring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


@cache
def _primary(key: str) -> Fernet:
    return Fernet(_fernet_key(key))


def ring() -> MultiFernet:
    """Every configured key: the first encrypts, all decrypt (the settings are read each call, so tests
    that change them take effect at once; the key stretching itself is cached)."""
    return _ring(tuple(field_keys()))


def encrypt(text: str) -> str:
    return ring().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return ring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError("no configured field key opens this value") from None


def is_current(token: str) -> bool:
    """Whether ``token`` was encrypted with the first (current) key: a rotation skips such values."""
    try:
        _primary(field_keys()[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


@cache
def _legacy_ring(secrets: tuple[str, ...], salts: tuple[str, ...]) -> MultiFernet:
    keys = [_stretch_legacy(secret, salt) for secret in secrets for salt in salts]
    return MultiFernet([Fernet(k) for k in keys])


def _stretch_legacy(secret: str, salt: str) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt.encode("utf-8"), iterations=100_000)
    return base64.urlsafe_b64encode(kdf.derive(secret.encode("utf-8")))


def legacy_decrypt(token: str) -> str | None:
    """A value written by the former library (key derived from SECRET_KEY × FIELD_ENCRYPTION_KEYS), or None."""
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", []))
    salts = tuple(field_keys())
    try:
        return _legacy_ring(secrets, salts).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        return None


# -- keyed hashes -------------------------------------------------------------------------------------------


def hash_keys() -> list[str]:
    keys = [k for k in getattr(settings, "SEARCH_HASH_KEYS", []) if k]
    if not keys:
        raise ImproperlyConfigured("SEARCH_HASH_KEYS is empty.")
    return keys


def keyed_hash(text: str, *, key: str | None = None) -> str:
    """HMAC-SHA256 of ``text`` with the current hash key (or ``key``), hex."""
    secret = (key or hash_keys()[0]).encode("utf-8")
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def keyed_hashes(text: str) -> list[str]:
    """The hash of ``text`` under every configured key, current first: what a search looks for while a
    rotation is under way (rows not yet re-hashed still carry an old key's hash)."""
    return [keyed_hash(text, key=key) for key in hash_keys()]
