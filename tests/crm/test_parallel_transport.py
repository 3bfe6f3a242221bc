"""One CRM client shared by threads: calls sent together really overlap on the pooled session,
each gets its own answer, no cookie of the CRM ever rides along, and the pool never opens more
than ``pool_size`` connections at once (extra calls wait instead)."""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator

import pytest
from werkzeug.wrappers import Request, Response

from portalclient.crm import CrmClient, CrmSettings
from tests.crm.conftest import load_trace
from tests.servers import serve_wsgi

HOLD_SECONDS = 3.0  # generous for local calls, below the client's timeout


class HoldingCrm:
    """A CRM answering show_all, holding each call until ``target`` are in flight (or a
    timeout), recording the most in flight and every Cookie header it received."""

    def __init__(self, target: int, hold: float = HOLD_SECONDS) -> None:
        self.target, self.hold = target, hold
        self.max_in_flight = 0
        self.cookies: list[str] = []
        self._in_flight = 0
        self._condition = threading.Condition()
        self._answer = load_trace("show_all.Contacts").response

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.get_data()
        with self._condition:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self.cookies.append(request.headers.get("Cookie", ""))
            self._condition.notify_all()
            self._condition.wait_for(lambda: self._in_flight >= self.target, self.hold)
        try:
            response = Response(self._answer, content_type="text/xml; charset=UTF-8")
            response.set_cookie("PHPSESSID", "one-customers-php-session")
            return response(environ, start_response)
        finally:
            with self._condition:
                self._in_flight -= 1


@pytest.fixture
def holding_crm() -> Iterator[tuple[HoldingCrm, str]]:
    crm = HoldingCrm(target=3)
    with serve_wsgi(crm) as url:
        yield crm, url


@pytest.fixture
def briefly_holding_crm() -> Iterator[tuple[HoldingCrm, str]]:
    """Holds calls for at most half a second: a target above the pool size is never met."""
    crm = HoldingCrm(target=3, hold=0.5)
    with serve_wsgi(crm) as url:
        yield crm, url


def test_calls_sent_together_overlap_and_carry_no_cookie(holding_crm):
    crm, url = holding_crm
    client = CrmClient(CrmSettings(server_path=url, timeout=10))
    try:
        answers = client.together(*[lambda: client.show_all("Contacts")] * 3)
        again = client.together(*[lambda: client.show_all("Contacts")] * 3)
    finally:
        client.close()
    assert answers == again == [True, True, True]
    assert crm.max_in_flight == 3
    assert crm.cookies == [""] * 6  # the PHPSESSID the CRM set was never sent back


def test_no_more_connections_than_the_pool_size(briefly_holding_crm):
    crm, url = briefly_holding_crm
    client = CrmClient(CrmSettings(server_path=url, timeout=10, pool_size=2))
    try:
        answers = client.together(*[lambda: client.show_all("Contacts")] * 5)
    finally:
        client.close()
    assert answers == [True] * 5
    # A third call waits for a free connection: never three at once (each pair is held until
    # the gate's short timeout lets it go, since its target of three is never reached).
    assert crm.max_in_flight == 2
