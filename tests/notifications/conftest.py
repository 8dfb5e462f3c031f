from __future__ import annotations

import pytest

from notifications import providers


@pytest.fixture(autouse=True)
def _fresh_provider():
    """Providers are cached per settings; a test that changes them must not leak into the next."""
    providers._provider.cache_clear()
    yield
    providers._provider.cache_clear()
