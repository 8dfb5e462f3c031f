"""Typo tolerance for the public search: pg_trgm compares a query word with the words of the index
(PostgreSQL only; SQLite uses the simpler search of hub.search)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hub", "0003_four_eyes_publishing")]

    operations = [TrigramExtension()]
