"""The background run of a confirmed register import (thin: ``services.run`` does the work)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="registers.run_import", soft_time_limit=15 * 60, time_limit=16 * 60, ignore_result=True)
def run_import(register_id: int) -> None:
    """Write the next rows of an import; while rows remain, queue the next part (each part resumes after
    the last chunk written, so a stopped worker costs one chunk)."""
    if services.run(register_id) == "more":
        run_import.delay(register_id)
