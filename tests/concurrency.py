"""Run a function in several threads at once, each with its own database connection (PostgreSQL tests)."""

import threading

from django.db import connections


def run_at_once(count, target):
    """Run target(index) in `count` threads, each with its own connection, released together; returns each
    thread's result or exception."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 — the outcome of each thread is what the test checks
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
