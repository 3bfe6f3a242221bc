"""Health endpoints for load balancers: liveness without CRM, session or cookie; readiness from a
bounded, cached CRM probe that recovers by itself."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests

from portalclient.health import ReadinessProbe
from tests.integration.conftest import login
from tests.servers import free_port, serve_wsgi


def test_liveness_is_plain_ok_without_crm_session_or_cookie(counted_stub, make_portal):
    portal = make_portal(counted_stub[0].url)
    response = requests.get(f"{portal}/health", params={"lang": "de"})
    assert (response.status_code, response.text) == (200, "ok\n")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers  # the session was never looked at
    assert counted_stub[1].requests == 0


def test_liveness_answers_while_the_crm_is_down(make_portal):
    portal = make_portal(f"http://127.0.0.1:{free_port()}")
    assert requests.get(f"{portal}/health").status_code == 200


def test_health_never_refreshes_a_customers_session_cookie(stub_crm, portal_url, browser):
    login(browser, portal_url, *stub_crm.demo_login())
    for path in ("/health", "/health/crm"):
        response = browser.get(f"{portal_url}{path}")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert browser.get(f"{portal_url}/settings", allow_redirects=False).status_code == 200


def test_readiness_asks_the_crm_once_for_many_polls(counted_stub, make_portal):
    portal = make_portal(counted_stub[0].url)
    answers = [requests.get(f"{portal}/health/crm") for _ in range(10)]
    assert {(r.status_code, r.text) for r in answers} == {(200, "ok\n")}
    assert counted_stub[1].requests == 1
    assert all("Set-Cookie" not in r.headers for r in answers)


def test_readiness_is_503_quickly_when_the_crm_is_down(make_portal):
    portal = make_portal(f"http://127.0.0.1:{free_port()}", crm={"timeout_seconds": 30})
    started = time.monotonic()
    response = requests.get(f"{portal}/health/crm")
    assert (response.status_code, response.text) == (503, "crm unavailable\n")
    assert time.monotonic() - started < 5


def test_readiness_is_503_when_the_crm_hangs_longer_than_the_probe_allows(make_portal):
    def hanging(environ: dict, start_response: Any) -> list[bytes]:
        time.sleep(7)
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b""]

    with serve_wsgi(hanging) as crm_url:
        portal = make_portal(crm_url, crm={"timeout_seconds": 30})
        started = time.monotonic()
        assert requests.get(f"{portal}/health/crm").status_code == 503
        assert time.monotonic() - started < 6.5


def test_health_lives_under_a_sub_path(stub_crm, make_portal):
    portal = make_portal(stub_crm.url, Authenticate_Path="https://127.0.0.1/support/")
    assert requests.get(f"{portal}/support/health").text == "ok\n"
    assert requests.get(f"{portal}/support/health/crm").text == "ok\n"


# -- the cached probe on its own ---------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_probe_answer_is_reused_until_it_is_stale_then_recovers():
    clock, answers, calls = Clock(), iter([False, True]), []

    def probe() -> bool:
        calls.append(clock.now)
        return next(answers)

    readiness = ReadinessProbe(probe, ttl=10, timer=clock)
    assert readiness.ready() is False
    clock.now += 9
    assert readiness.ready() is False
    clock.now += 2
    assert readiness.ready() is True
    assert calls == [100.0, 111.0]


def test_while_one_request_probes_the_others_reuse_the_last_answer():
    clock, release, calls = Clock(), threading.Event(), []

    def slow_probe() -> bool:
        calls.append(clock.now)
        if len(calls) > 1:
            release.wait(5)
        return True

    readiness = ReadinessProbe(slow_probe, ttl=10, timer=clock)
    assert readiness.ready() is True
    clock.now += 11
    prober = threading.Thread(target=readiness.ready)
    prober.start()
    while len(calls) < 2:
        time.sleep(0.01)
    started = time.monotonic()
    assert readiness.ready() is True  # the stale answer, at once
    assert time.monotonic() - started < 1
    release.set()
    prober.join()
    assert len(calls) == 2
