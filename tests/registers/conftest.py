from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


@pytest.fixture
def post_file(staff_cr_client, window_cr):
    """Upload a file as the Costa Rican clerk; the answer of the upload page."""

    def post(content: bytes, name: str = "registro.csv", kind: str = "consultations", client=None):
        return (client or staff_cr_client).post(
            reverse("registers:upload"),
            {"window": window_cr.pk, "kind": kind, "file": SimpleUploadedFile(name, content)},
        )

    return post
