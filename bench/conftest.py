"""The test suite's personas and case fixtures, for the scripts of bench/ that run under pytest."""

from tests.cases.conftest import _costa_rica_clock, case_cr, english, pathway_cr, person_cr, process_cr  # noqa: F401
from tests.conftest import _fresh_cache, cr, staff_cr, staff_cr_client, window_cr  # noqa: F401
