"""The library's two tables moved from the ``portal`` app to ``helpers``: rows written before the move are
read after it, under the new names, and the content types follow."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from helpers.models import FormSubmission, ThrottleCount


def before_the_move():
    """The database as it was: ``helpers`` unapplied (and what depends on it), ``portal`` at 0002."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("helpers", None)])
    return executor.loader.project_state([("portal", "0002_form_submission")]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it():
    old = before_the_move()
    token = uuid.uuid4()
    old.get_model("portal", "ThrottleCount").objects.create(key="feedback:abc:1", count=7,
                                                            expires_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    old.get_model("portal", "FormSubmission").objects.create(token=token, model="cases.consultation", object_id=42)
    assert "portal_throttlecount" in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ThrottleCount.objects.get(key="feedback:abc:1").count == 7
    assert FormSubmission.objects.get(token=token).object_id == 42
    tables = connection.introspection.table_names()
    assert "helpers_throttlecount" in tables and "portal_throttlecount" not in tables
    assert ContentType.objects.get_for_model(ThrottleCount).app_label == "helpers"
