"""The production stack is right by default: a proxy in front, gunicorn unpublished, headers believed only
from the proxies the settings are told about, and a compose file that follows the Compose Specification."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from jsonschema import Draft201909Validator

from tests.portal.test_deploy import manage, production_env

BASE = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads((BASE / "tests/security/compose-spec.json").read_text()))


def test_the_compose_file_follows_the_compose_specification(compose, validator):
    assert [error.message for error in validator.iter_errors(compose)] == []
    broken = copy.deepcopy(compose)
    broken["services"]["web"]["restart_policy"] = "always"  # not a Compose key: the schema must say so
    assert list(validator.iter_errors(broken))


def test_only_the_proxy_is_published_and_gunicorn_is_not(compose):
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["image"].startswith("caddy:")
    assert sorted(services["proxy"]["ports"]) == ["443:443", "80:80"]
    assert services["web"]["expose"] == ["8000"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["PROXY_HOPS"] == "1" and environment["DEBUG"] == "0"
        assert environment["PORTAL_URL"].startswith("https://")


def test_the_proxy_replaces_the_forwarded_headers_and_keeps_the_worker_probe_inside():
    caddyfile = (BASE / "deploy/Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile
    assert "header_up X-Forwarded-Proto {scheme}" in caddyfile
    assert "query worker=*" in caddyfile and "respond @workerprobe 404" in caddyfile


def test_the_image_collects_static_files_with_debug_off_and_starts_through_the_shared_script():
    dockerfile = (BASE / "Dockerfile").read_text()
    assert "deploy/build-static" in dockerfile and 'CMD ["deploy/start-web"]' in dockerfile
    build = (BASE / "deploy/build-static").read_text()
    assert "export DEBUG=0" in build and "collectstatic --noinput" in build
    commands = [line for line in (dockerfile + build).splitlines() if not line.lstrip().startswith("#")]
    assert not any("DEBUG=1" in line for line in commands)


def _setting(name: str, **env: str) -> str:
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=production_env(**env)
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_forwarded_headers_are_believed_only_when_the_proxies_are_counted():
    assert _setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert _setting("SECURE_PROXY_SSL_HEADER", PROXY_HOPS="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def _gunicorn_arguments(tmp_path: Path, **env: str) -> list[str]:
    """The arguments deploy/start-web gives gunicorn, with ``python`` and ``gunicorn`` standing in."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "gunicorn").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    for name in ("python", "gunicorn"):
        (bin_dir / name).chmod(0o755)
    environment = {"PATH": f"{bin_dir}:/usr/bin:/bin", **env}
    result = subprocess.run([str(BASE / "deploy/start-web")], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _trusted(arguments: list[str]) -> str:
    return arguments[arguments.index("--forwarded-allow-ips") + 1]


def test_gunicorn_believes_forwarded_headers_only_when_a_proxy_is_counted(tmp_path):
    assert _trusted(_gunicorn_arguments(tmp_path)) == ""
    assert _trusted(_gunicorn_arguments(tmp_path, PROXY_HOPS="0")) == ""
    assert _trusted(_gunicorn_arguments(tmp_path, PROXY_HOPS="1")) == "*"
    assert _trusted(_gunicorn_arguments(tmp_path, PROXY_HOPS="1", FORWARDED_ALLOW_IPS="172.18.0.2")) == "172.18.0.2"


def test_gunicorn_takes_an_empty_list_as_nobody():
    from gunicorn.config import Config

    config = Config()
    config.set("forwarded_allow_ips", "")
    assert config.forwarded_allow_ips == []
