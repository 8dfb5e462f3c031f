"""Pages of long staff lists, read in two steps so that a deep page costs about what the first one does."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


class DeferredJoinPaginator(Paginator):
    """A paginator over a queryset whose page rows are read in two steps.

    First the numbers of the page's rows, in the list's order, from the filtered table alone (no joined
    table, no column it does not sort on); then those rows with their joined columns. With a plain
    ``OFFSET`` the database joins and reads every row before the page; here it skips them on the narrow
    read only. The second read applies the same filters again, so a row changed in between is left out
    rather than shown to someone who may no longer see it.
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
