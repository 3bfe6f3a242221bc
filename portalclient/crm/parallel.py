"""Independent CRM calls of one page, sent together over the pooled HTTP session.

A page that needs a ticket's details, comments and attachments should wait for the slowest of
them, not for their sum. ``CallPool.together(*thunks)`` runs zero-argument callables on a
process-wide thread pool (bounded by ``[crm] pool_size``) and returns their results in order.
The thunks get no Flask context: they must only call the CRM client (or a cache object resolved
beforehand). When any thunk fails, ``together`` still waits for all of them and then raises the
first failure in argument order, so a refusal (NotAuthorized) is never hidden behind a later
error, and nothing is rendered before every answer is in.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Callable, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
THREAD_PREFIX = "crm-call"


class CallPool:
    """A lazily started thread pool for CRM calls, recreated in a forked child process."""

    def __init__(self, max_workers: int) -> None:
        if max_workers < 1:
            raise ValueError("a call pool needs at least one thread")
        self.max_workers = max_workers
        self._executor: ThreadPoolExecutor | None = None
        self._owner_pid = 0
        self._lock = threading.Lock()
        self._inside = threading.local()

    def submit(self, thunk: Callable[[], T]) -> Future:
        """Start ``thunk`` on the pool (inline when already on a pool thread: no deadlock)."""
        if getattr(self._inside, "active", False):
            return _done(thunk)
        return self._pool().submit(self._run_marked, thunk)

    def together(self, *thunks: Callable[[], Any]) -> list[Any]:
        """Run ``thunks`` at once; their results in order, or the first failure after all end.

        The first thunk runs on the calling thread while the pool runs the others: the caller
        would only wait anyway, and one thread hand-off fewer is less CPU per page.
        """
        if len(thunks) <= 1:
            return [thunk() for thunk in thunks]
        others = [self.submit(thunk) for thunk in thunks[1:]]
        return results_in_order([_done(thunks[0]), *others])

    def shutdown(self) -> None:
        """Stop the threads (the pool starts again on the next call)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _run_marked(self, thunk: Callable[[], T]) -> T:
        self._inside.active = True
        try:
            return thunk()
        finally:
            self._inside.active = False

    def _pool(self) -> ThreadPoolExecutor:
        """This process's executor: threads do not survive fork, so a child makes its own."""
        with self._lock:
            if self._executor is None or self._owner_pid != os.getpid():
                self._executor = ThreadPoolExecutor(self.max_workers,
                                                    thread_name_prefix=THREAD_PREFIX)
                self._owner_pid = os.getpid()
            return self._executor


def results_in_order(futures: list[Future]) -> list[Any]:
    """Wait for every future; their results in order, else the first one's exception."""
    wait(futures)
    for future in futures:
        error = future.exception()
        if error is not None:
            raise error
    return [future.result() for future in futures]


def _done(thunk: Callable[[], T]) -> Future:
    """A future already holding ``thunk()``'s result or exception."""
    future: Future = Future()
    try:
        future.set_result(thunk())
    except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
        future.set_exception(exc)
    return future
