"""Helpers for the tests that only a real PostgreSQL can show: many threads, each with its own connection, doing
the same thing at the same moment; worker processes; pg_dump and pg_restore."""

import threading
from collections.abc import Callable, Iterable

from django.db import connections

# The content-site builders (home page, venue, events), shared with tests/home.
from tests.home.conftest import event_index, home, make_event, venue  # noqa: F401


def run_at_once(work: Callable, arguments: Iterable) -> tuple[list, list[BaseException]]:
    """Run ``work(argument)`` in one thread per argument, all released together by a barrier; return the results
    and the exceptions. Each thread has its own database connection (Django's are per thread) and closes it, so
    nothing holds the test database open when pytest-django drops it."""
    arguments = list(arguments)
    barrier = threading.Barrier(len(arguments))
    results, errors, lock = [], [], threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=120)
            result = work(argument)
            with lock:
                results.append(result)
        except BaseException as error:  # noqa: BLE001  (collected for the test to assert on)
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running (deadlock?)"
    return results, errors
