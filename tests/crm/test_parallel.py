"""CallPool.together: results in order, every call finished before a failure is raised, calls
really overlapping (proved with barriers, never with timings), and nested use without deadlock."""

from __future__ import annotations

import threading

import pytest

from portalclient.crm.errors import NotAuthorized, SessionExpired
from portalclient.crm.parallel import CallPool

GENEROUS = 10.0  # seconds a barrier waits before the test fails instead of hanging


@pytest.fixture
def pool():
    calls = CallPool(4)
    yield calls
    calls.shutdown()


def test_results_come_back_in_argument_order(pool):
    gate = threading.Event()

    def slow_first():
        gate.wait(GENEROUS)  # finishes last: only after the second call has run
        return "first"

    def quick_second():
        gate.set()
        return "second"

    assert pool.together(slow_first, quick_second, lambda: 3) == ["first", "second", 3]


def test_calls_are_in_flight_together(pool):
    barrier = threading.Barrier(3, timeout=GENEROUS)

    def meet(name: str):
        return lambda: (barrier.wait(), name)[1]

    # Each call returns only once all three are running: sequential calls would break the
    # barrier (BrokenBarrierError) instead of answering.
    assert pool.together(meet("a"), meet("b"), meet("c")) == ["a", "b", "c"]


def test_first_failure_in_argument_order_is_raised_after_all_finished(pool):
    finished = []
    second_failed = threading.Event()

    def refused():
        second_failed.wait(GENEROUS)  # fails after the second call has already failed
        finished.append("refused")
        raise NotAuthorized(operation="get_details")

    def expired():
        finished.append("expired")
        second_failed.set()
        raise SessionExpired(operation="get_ticket_comments")

    def slow_ok():
        second_failed.wait(GENEROUS)
        finished.append("ok")
        return "ok"

    with pytest.raises(NotAuthorized) as caught:
        pool.together(refused, expired, slow_ok)
    assert caught.value.operation == "get_details"
    assert sorted(finished) == ["expired", "ok", "refused"]


def test_single_and_empty_calls_run_inline(pool):
    caller = threading.current_thread().name
    assert pool.together(lambda: threading.current_thread().name) == [caller]
    assert pool.together() == []


def test_nested_together_runs_inline_instead_of_waiting_for_a_free_thread():
    one_thread = CallPool(1)
    try:
        def inner():
            return one_thread.together(lambda: "x", lambda: "y")

        # With one pool thread, a nested submit would wait forever for itself.
        assert one_thread.together(inner, lambda: "z") == [["x", "y"], "z"]
    finally:
        one_thread.shutdown()


def test_pool_restarts_after_shutdown(pool):
    assert pool.together(lambda: 1, lambda: 2) == [1, 2]
    pool.shutdown()
    assert pool.together(lambda: 3, lambda: 4) == [3, 4]


def test_the_first_call_runs_on_the_caller_and_the_rest_on_bounded_pool_threads(pool):
    names = pool.together(*[lambda: threading.current_thread().name for _ in range(12)])
    assert names[0] == threading.current_thread().name
    assert all(name.startswith("crm-call") for name in names[1:])
    assert len(set(names[1:])) <= pool.max_workers


def test_a_pool_needs_a_thread():
    with pytest.raises(ValueError):
        CallPool(0)
