"""Test settings: only what tests need differs from portal/settings.py."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "tests-only-field-key,tests-only-old-field-key")
os.environ.setdefault("SEARCH_HASH_KEYS", "tests-only-search-key")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Workers started by the worker tests write e-mails to files, so that the test can count them.
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH", "")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = "/tmp/ventanillas-test-media"  # noqa: S108
