"""The fault test runs only inside `.ci/fault` (FAULT=1), which starts the portal under gunicorn on its own
PostgreSQL cluster and Redis and gives the addresses and the control script here."""

from __future__ import annotations

import os


def pytest_ignore_collect(collection_path, config):
    if os.environ.get("FAULT") != "1" and collection_path.name.startswith("test_"):
        return True
    return None
