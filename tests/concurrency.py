"""Run work in threads that start at the same instant, each with its own database connection.

A thread stands for another worker process. The barrier and every wait have a time limit and the threads are
daemons, so a thread that fails before the barrier (or a lock that is never released) fails the test with the
threads' errors instead of leaving threads waiting after the run, which would keep the test process alive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

WAIT = 60  # seconds: far beyond what any of these requests needs, well below the suite's per-test timeout


def run_together(work: Callable[[int], object], count: int, wait: float = WAIT) -> list[BaseException]:
    """Call ``work(n)`` for n in 0..count-1, all released together; return the errors the threads raised.

    A thread still running after ``wait`` seconds is reported as an error too.
    """
    barrier = threading.Barrier(count, timeout=wait)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # collected and reported by the test
            errors.append(exc)
            barrier.abort()  # the others must not wait for a thread that will never arrive
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(wait)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        errors.append(TimeoutError(f"{stuck} of {count} threads still running after {wait} s"))
    return errors
