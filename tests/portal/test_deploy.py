from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
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


# --- The image's build context (.dockerignore), computed with Docker's rules ---------------------------


def _docker_pattern(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as Docker's patternmatcher reads it: Go's filepath.Match plus `**`."""
    out, i = "^", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern[i : i + 2] == "**":
                i += 2
                if pattern[i : i + 1] == "/":
                    i += 1
                    out += "(.*/)?"  # any number of directories, none included
                else:
                    out += ".*"
                continue
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
            i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + "$")


def _docker_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
        # Docker cleans each pattern (filepath.Clean) and drops a leading slash: /foo, ./foo and foo/ are foo.
        cleaned = posixpath.normpath(line).lstrip("/")
        rules.append((exception, _docker_pattern(cleaned)))
    return rules


def _excluded(path: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    """The last rule matching the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for exception, pattern in rules:
        if any(pattern.match(candidate) for candidate in candidates):
            excluded = not exception
    return excluded


def build_context(root: Path) -> set[str]:
    rules = _docker_rules((root / ".dockerignore").read_text())
    files = set()
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            relative = (Path(dirpath) / name).relative_to(root).as_posix()
            if not _excluded(relative, rules):
                files.add(relative)
    return files


def test_the_docker_pattern_rules_are_dockers():
    rules = _docker_rules("*.md\n!README*.md\nREADME-secret.md\n**/*.go\n/foo/bar/\n")
    assert _excluded("notes.md", rules) and not _excluded("README.md", rules)
    assert _excluded("README-secret.md", rules)
    assert not _excluded("docs/notes.md", rules)  # anchored at the root, unlike .gitignore
    assert _excluded("main.go", rules) and _excluded("a/b/main.go", rules)
    assert _excluded("foo/bar/baz.txt", rules) and not _excluded("x/foo/bar/baz.txt", rules)


def test_the_image_holds_no_secret_database_or_uploaded_file(tmp_path):
    root = tmp_path / "checkout"
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, tracked.split("\0")):
        source = Path(settings.BASE_DIR) / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / name)
    # A checkout that has been used: its secrets, virtualenv, local database, uploads and build leftovers.
    planted = {
        ".env": "SECRET_KEY=x",
        ".env.production": "SECRET_KEY=y",
        "deploy/.env": "POSTGRES_PASSWORD=z",
        ".venv/lib/python3.11/site-packages/x.py": "",
        ".venv/pyvenv.cfg": "",
        "db.sqlite3": "",
        "media/x": "",
        "media/guides/passport.pdf": "",
        "staticfiles/staticfiles.json": "{}",
        "backups/db-20260101.dump.enc": "",
        "e2e-artifacts/shot.png": "",
        "bench/results/run.json": "{}",
        "portal/__pycache__/settings.cpython-311.pyc": "",
        ".git/config": "",
    }
    for name, text in planted.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)

    context = build_context(root)

    leaked = sorted(name for name in planted if name in context)
    assert not leaked, f"in the image's build context: {leaked}"
    # What the image needs is still there.
    for needed in ("pyproject.toml", "manage.py", "portal/settings.py", "deploy/start-web", ".env.example"):
        assert needed in context, needed


def test_the_image_installs_dependencies_in_their_own_cached_layer():
    lines = [line.strip() for line in (Path(settings.BASE_DIR) / "Dockerfile").read_text().splitlines()]
    steps = [line for line in lines if line.split(" ")[0] in {"COPY", "RUN", "USER"}]
    copy_project = steps.index("COPY pyproject.toml ./")
    install = next(n for n, step in enumerate(steps) if "pip install ." in step)
    copy_code = steps.index("COPY . .")
    assert copy_project < install < copy_code, steps
    # The image's user owns the media directory the volume is mounted on, so uploads can be written.
    chown = next(step for step in steps[copy_code:] if "chown" in step)
    assert "ventanillas" in chown and "/app/media" in chown
    assert steps.index(next(s for s in steps if s.startswith("USER"))) > steps.index(chown)


# --- The production stack (docker-compose.yml) -----------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())


def test_migrations_run_once_before_anything_reads_the_database():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in " ".join(services[name]["command"]), name
    assert services["web"]["environment"]["SKIP_MIGRATE"] == "1"


def test_every_long_running_service_comes_back_and_reports_its_health():
    services = compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            continue
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_the_stack_holds_no_fixed_secret():
    text = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    services = compose()["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in services["web"]["environment"]["DATABASE_URL"]
    for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEYS", "BACKUP_KEY", "EMAIL_URL"):
        assert f"{secret}:" not in text and f"{secret}=" not in text, secret
    assert all(service.get("env_file") == ".env" for name, service in services.items() if "build" in service)


def test_the_web_health_check_asks_as_the_proxy_would(live_server):
    host, port = live_server.url.removeprefix("http://").split(":")
    env = dict(os.environ, ALLOWED_HOSTS=host, BIND=f"{host}:{port}")
    result = subprocess.run(["deploy/healthcheck", "web"], cwd=settings.BASE_DIR, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        ["deploy/healthcheck", "web"], cwd=settings.BASE_DIR, env=dict(env, BIND="127.0.0.1:9"), capture_output=True
    )
    assert result.returncode != 0


# --- .env.example --------------------------------------------------------------------------------------


def test_env_example_lists_every_setting_the_portal_reads():
    source = (Path(settings.BASE_DIR) / "portal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_RESULT_BACKEND", "BACKUP_KEY"} <= read
    example = (Path(settings.BASE_DIR) / ".env.example").read_text()
    listed = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert not read - listed, f"read by settings.py, missing from .env.example: {sorted(read - listed)}"
    # Every listed setting has a comment line just above it or above its group.
    assert example.count("\n# ") > len(listed) // 2
