from __future__ import annotations

from dashboards.suppression import SUPPRESSED, processing_figure, suppress_columns, suppress_count, suppress_table


def test_counts_from_one_to_four_are_shown_as_less_than_five():
    assert [suppress_count(n) for n in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_a_total_would_reveal_a_single_hidden_cell_so_the_smallest_other_is_hidden_too():
    # 3 hidden alone: 20 - 10 - 7 = 3. Hiding 7 too leaves 3 + 7 = 10 unknown between two cells.
    cells, total = suppress_table([10, 3, 7, 0], total=20)
    assert cells == [10, SUPPRESSED, SUPPRESSED, 0]
    assert total == 20


def test_two_hidden_cells_need_no_third():
    cells, _total = suppress_table([10, 3, 2, 9], total=24)
    assert cells == [10, SUPPRESSED, SUPPRESSED, 9]


def test_without_a_total_only_the_small_cell_is_hidden():
    cells, total = suppress_table([10, 3, 7], total=None)
    assert cells == [10, SUPPRESSED, 7] and total is None


def test_the_total_is_hidden_when_no_other_cell_can_protect_the_small_one():
    cells, total = suppress_table([0, 3, 0], total=3)
    assert cells == [0, SUPPRESSED, 0] and total == SUPPRESSED
    cells, total = suppress_table([3], total=8)  # only one cell: the total must go
    assert total == SUPPRESSED


def test_the_total_is_hidden_when_the_hidden_cells_are_all_ones_or_all_fours():
    # 12 - 10 = 2 between two cells of at least 1 each: both are 1, so the total must go.
    assert suppress_table([1, 1, 10], total=12) == ([SUPPRESSED, SUPPRESSED, 10], SUPPRESSED)
    # 18 - 10 = 8 between two cells of at most 4 each: both are 4.
    assert suppress_table([4, 4, 10], total=18) == ([SUPPRESSED, SUPPRESSED, 10], SUPPRESSED)
    # 13 - 10 = 3 could be 1 + 2 or 2 + 1: the total may stay.
    assert suppress_table([1, 2, 10], total=13) == ([SUPPRESSED, SUPPRESSED, 10], 13)


def test_each_column_of_a_table_is_protected():
    rows, totals = suppress_columns([[10, 1], [2, 20], [8, 30]], totals=[20, 51])
    assert rows == [[10, SUPPRESSED], [SUPPRESSED, SUPPRESSED], [SUPPRESSED, 30]]
    assert totals == [20, 51]


def test_processing_times_need_ten_decisions():
    assert processing_figure(30.0, 9) is None
    assert processing_figure(30.0, 10) == 30.0
