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
        ids = self._page_ids(bottom, top)
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    def _page_ids(self, bottom: int, top: int) -> list:
        """The page's row numbers, in the list's order. A page in the second half of a list whose order is
        total (it ends with the primary key) is read from the end, in the reverse order, and turned back:
        the last page of a country officer's 20,000 cases skips 25 rows instead of sorting and skipping
        20,000 (the rows of several windows come unsorted from the index, by window)."""
        numbers = self.object_list.values_list("pk", flat=True)
        if bottom > self.count // 2 and _ends_with_pk(self.object_list):
            return list(numbers.reverse()[self.count - top : self.count - bottom])[::-1]
        return list(numbers[bottom:top])


def _ends_with_pk(queryset) -> bool:
    """Whether the queryset's order ends with its primary key, so that no two rows tie and the reverse order is
    exactly the order read backwards."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if query.extra_order_by or not ordering or not isinstance(ordering[-1], str):
        return False
    return ordering[-1].lstrip("-") in ("pk", queryset.model._meta.pk.attname, queryset.model._meta.pk.name)
