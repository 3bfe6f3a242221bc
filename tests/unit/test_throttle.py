"""The brute-force throttle on its own: counting window, lockout, clearing, memory bound."""

from __future__ import annotations

import threading

import pytest

from portalclient.throttle import Throttle, ThrottleRules

RULES = ThrottleRules(attempts=3, window_seconds=600, lockout_seconds=900)
ALICE = ("account", "alice@acme.example")
HOME = ("address", "192.0.2.7")


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock) -> Throttle:
    return Throttle(RULES, timer=clock)


def test_failures_below_the_limit_lock_nothing(throttle):
    throttle.record_failure([ALICE, HOME])
    throttle.record_failure([ALICE, HOME])
    assert throttle.retry_after([ALICE]) == 0
    assert throttle.retry_after([HOME]) == 0


def test_reaching_the_limit_locks_out_for_the_lockout_time(throttle, clock):
    for _ in range(3):
        throttle.record_failure([ALICE])
    assert throttle.retry_after([ALICE]) == 900
    clock.now += 600.5
    assert throttle.retry_after([ALICE]) == 300
    clock.now += 300
    assert throttle.retry_after([ALICE]) == 0


def test_any_locked_key_refuses_the_try(throttle):
    for _ in range(3):
        throttle.record_failure([HOME])
    assert throttle.retry_after([("account", "someone@else.example"), HOME]) == 900
    assert throttle.retry_after([ALICE]) == 0


def test_failures_older_than_the_window_do_not_count(throttle, clock):
    throttle.record_failure([ALICE])
    throttle.record_failure([ALICE])
    clock.now += 601
    throttle.record_failure([ALICE])
    throttle.record_failure([ALICE])
    assert throttle.retry_after([ALICE]) == 0
    throttle.record_failure([ALICE])
    assert throttle.retry_after([ALICE]) == 900


def test_clear_forgets_the_failures_of_one_key(throttle):
    throttle.record_failure([ALICE, HOME])
    throttle.record_failure([ALICE, HOME])
    throttle.clear(ALICE)
    throttle.record_failure([ALICE, HOME])
    assert throttle.retry_after([ALICE]) == 0
    assert throttle.retry_after([HOME]) == 900


def test_after_a_lockout_the_count_starts_again(throttle, clock):
    for _ in range(3):
        throttle.record_failure([ALICE])
    clock.now += 901
    throttle.record_failure([ALICE])
    assert throttle.retry_after([ALICE]) == 0


def test_memory_is_bounded_by_maxsize(clock):
    small = Throttle(RULES, maxsize=50, timer=clock)
    for n in range(500):
        small.record_failure([("account", f"user{n}@example.com")])
    assert len(small) <= 100


def test_concurrent_failures_are_all_counted(clock):
    throttle = Throttle(ThrottleRules(attempts=400, window_seconds=600, lockout_seconds=60),
                        timer=clock)
    workers = [threading.Thread(target=lambda: [throttle.record_failure([HOME])
                                                for _ in range(50)]) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert throttle.retry_after([HOME]) == 60
