"""Every interface string exists in the five languages.

The check extracts the strings from a copy of the source exactly as ``make messages`` does, then
requires each of them to be translated, not fuzzy, in every committed catalog.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
LANGS = [code for code, _name in settings.LANGUAGES]
APPS = list(settings.PORTAL_APPS)


def committed_catalogs() -> list[Path]:
    return sorted(p for p in BASE.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_every_language_has_a_catalog_for_the_shell_and_each_app_with_strings():
    for lang in LANGS:
        assert (BASE / "locale" / lang / "LC_MESSAGES" / "django.po").exists(), lang
    for app in APPS:
        if (BASE / app / "locale").exists():
            for lang in LANGS:
                assert (BASE / app / "locale" / lang / "LC_MESSAGES" / "django.po").exists(), (app, lang)


@pytest.mark.parametrize("path", committed_catalogs(), ids=lambda p: str(p.relative_to(BASE)))
def test_catalog_is_complete_and_has_no_fuzzy_entry(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{path}: untranslated {untranslated[:5]}"
    assert not fuzzy, f"{path}: fuzzy {fuzzy[:5]}"


def _translated(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if e.translated() and not e.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set[tuple[str | None, str]]]:
    """Strings found in the source now, per catalog folder ("" for the shell, else the app)."""
    copy = tmp_path_factory.mktemp("src") / "src"
    shutil.copytree(
        BASE,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "*.mo", "*.po", "__pycache__", "results"
        ),
    )
    for app in APPS:
        (copy / app / "locale").mkdir(exist_ok=True)
    run = {"check": True, "capture_output": True, "env": {"DEBUG": "1", "PATH": "/usr/bin:/bin"}}
    ignores = [f"--ignore={app}/*" for app in APPS] + ["--ignore=tests/*", "--ignore=bench/*", "--ignore=.venv/*"]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-location", *ignores], cwd=copy, **run
    )
    for app in APPS:
        subprocess.run(
            [sys.executable, "../manage.py", "makemessages", "-l", "es", "--no-location"], cwd=copy / app, **run
        )
    found = {}
    for folder in ["", *APPS]:
        po = copy / folder / "locale" / "es" / "LC_MESSAGES" / "django.po"
        found[folder] = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po))} if po.exists() else set()
    return found


@pytest.mark.parametrize("folder", ["", *APPS], ids=lambda f: f or "shell")
def test_every_string_in_the_source_is_in_the_catalogs(extracted, folder):
    for lang in LANGS:
        committed = _translated(BASE / folder / "locale" / lang / "LC_MESSAGES" / "django.po")
        missing = sorted(msgid for _ctx, msgid in extracted[folder] - committed)
        assert not missing, f"{folder or 'shell'} [{lang}] lacks {len(missing)}: {missing[:5]} (run make messages)"
