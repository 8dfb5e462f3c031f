from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def production_env(**extra: str) -> dict[str, str]:
    drop = {"DJANGO_SETTINGS_MODULE", "DEBUG", "PROXY_HOPS", "EMAIL_URL", "PORTAL_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DEBUG="0",
        SECRET_KEY="a-production-secret-that-is-long-and-random-0123456789-abcdefghijkl",
        FIELD_ENCRYPTION_KEYS="a-production-field-key",
        SEARCH_HASH_KEYS="a-production-search-key",
        ALLOWED_HOSTS="ventanillas.example.org",
        DATABASE_URL=f"sqlite:///{settings.BASE_DIR}/never-created.sqlite3",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
        PORTAL_URL="https://ventanillas.example.org",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_real_mail_server():
    for value in ("", "consolemail://", "dummymail://"):
        result = manage("check", env=production_env(EMAIL_URL=value))
        assert result.returncode != 0 and "EMAIL_URL must" in result.stderr, value


def test_production_refuses_to_start_without_the_portals_address():
    result = manage("check", env=production_env(PORTAL_URL=""))
    assert result.returncode != 0
    assert "PORTAL_URL must be set" in result.stderr
