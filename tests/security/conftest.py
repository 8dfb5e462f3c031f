from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.security.test_access_matrix import CASES_RUN, url_patterns

    if CASES_RUN:
        terminalreporter.write_line(
            f"access matrix: {sum(CASES_RUN)} requests ({len(CASES_RUN)} personas x GET/POST x "
            f"{len(url_patterns())} URL patterns)"
        )
