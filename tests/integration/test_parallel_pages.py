"""A slow CRM call does not serialize a page: the ticket and project pages send their
independent calls together, and still show only what the CRM allowed.

No timings: a WSGI gate in front of the stub CRM holds every SOAP call until the number of
calls in flight reaches a target (or a generous timeout passes), and records the most calls
ever in flight. A page that sent its calls one after the other would never have two in flight.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.integration.conftest import PortalVisitors, StubCrm, page, stub_behind
from tests.integration.crm_fixtures import soap_operation

#: Generous for local calls, yet below the portal's CRM timeout (5 s in tests): only a page that
#: never reaches the target waits this long, and it then fails on the count, not on a timeout.
HOLD_SECONDS = 3.0
TT1 = 12


class HoldingGate:
    """WSGI middleware: while armed, each SOAP call waits until ``target`` calls are in flight."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self._condition = threading.Condition()
        self._in_flight = 0
        self._target = 0
        self.max_in_flight = 0
        self.operations: list[str] = []

    def arm(self, target: int) -> None:
        """Hold the next calls until ``target`` of them are in flight at once."""
        with self._condition:
            self._target, self.max_in_flight, self.operations = target, 0, []

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = _Replay(body)
        with self._condition:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self.operations.append(soap_operation(body) or "")
            self._condition.notify_all()
            if self._target:
                self._condition.wait_for(lambda: self._in_flight >= self._target,
                                         timeout=HOLD_SECONDS)
                self._target = 0  # released (or timed out): later calls pass freely
        try:
            return list(self.app(environ, start_response))
        finally:
            with self._condition:
                self._in_flight -= 1


class _Replay:
    """A read-once request body handed on to the stub."""

    def __init__(self, body: bytes) -> None:
        self._body, self._position = body, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._body) if size is None or size < 0 else self._position + size
        chunk, self._position = self._body[self._position:end], min(end, len(self._body))
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


@dataclass(kw_only=True)
class GatedPortal(PortalVisitors):
    gate: HoldingGate


@pytest.fixture
def gated(tmp_path: Path, make_portal) -> Iterator[GatedPortal]:
    with stub_behind(tmp_path, HoldingGate) as (stub, gate):
        running = GatedPortal(stub=stub, gate=gate, url=make_portal(stub.url))
        yield running
        running.close()


def project_id(stub: StubCrm, number: str) -> int:
    return int(stub.store.scalar("SELECT id FROM projects WHERE project_no = ?", (number,)))


def test_ticket_page_sends_details_comments_and_attachments_together(gated):
    alice = gated.log_in("alice@acme.example")
    assert alice.get("/tickets").status_code == 200  # lists and picklists now cached
    gated.gate.arm(3)
    response = alice.get(f"/tickets/{TT1}")
    assert response.status_code == 200
    assert gated.gate.max_in_flight >= 3
    assert {"get_details", "get_ticket_comments", "get_ticket_attachments"} <= set(
        gated.gate.operations)
    doc = page(response)
    assert doc.xpath("//ol[@class='comment-thread']/li")  # comments arrived and are shown
    assert "led-report.txt" in doc.xpath("string(//ul[@class='attachment-list'])")


def test_project_page_sends_its_five_calls_together(gated):
    alice = gated.log_in("alice@acme.example")
    assert alice.get("/projects?scope=all").status_code == 200
    gated.gate.arm(5)
    response = alice.get(f"/projects/{project_id(gated.stub, 'PROJ1')}")
    assert response.status_code == 200
    assert gated.gate.max_in_flight == 5
    assert sorted(op for op in gated.gate.operations if op != "get_ticket_creator") == [
        "get_details", "get_documents", "get_project_components", "get_project_components",
        "get_project_tickets"]
    doc = page(response)
    for section in ("project-tasks", "project-milestones"):
        assert doc.xpath(f"//table[@id='{section}']//tbody/tr"), section


def test_a_refused_project_shows_nothing_its_parallel_calls_fetched(gated):
    """The project moved to another organisation after the portal cached Alice's lists: the
    CRM's get_details refuses it, and none of the tasks fetched alongside reach the page."""
    alice = gated.log_in("alice@acme.example")
    proj1 = project_id(gated.stub, "PROJ1")
    assert alice.get("/projects?scope=all").status_code == 200
    task = gated.stub.store.scalar("SELECT name FROM project_tasks WHERE project_id = ?", (proj1,))
    globex = gated.stub.store.scalar("SELECT linked_to FROM projects WHERE project_no = 'PROJ2'")
    gated.stub.store.execute("UPDATE projects SET linked_to = ? WHERE id = ?", (globex, proj1))
    gated.gate.arm(5)
    response = alice.get(f"/projects/{proj1}")
    assert response.status_code == 403
    assert gated.gate.max_in_flight == 5  # the sections were fetched alongside get_details
    assert "get_project_components" in gated.gate.operations
    assert task not in response.text
    assert "PROJ1" not in response.text
