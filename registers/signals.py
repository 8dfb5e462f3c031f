"""What an import tells the rooms that read its records, without knowing them: the local days of a country
whose figures its records count on changed (written by a chunk, by a decision on a likely duplicate, or
removed by undo). The dashboards connect to it to recompute those days at once (docs/imports.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``country_id`` (int), ``days`` (set of dates) and ``final`` (True at the end of a run or after a
# decision or undo; False while a run goes on), after the records are committed.
days_changed = Signal()
