"""Typo tolerance for the public search: fuzzystrmatch's bounded edit distance between a query word and the
words of the index (PostgreSQL only; SQLite compares in Python in hub.search)."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hub", "0004_search_trigrams")]

    operations = [CreateExtension("fuzzystrmatch")]
