"""Captured berliCRM traces and a replaying CRM server, for every test of the CRM package.

Other test modules use the ``trace``, ``crm`` and ``client`` fixtures, or import ``load_trace``
and ``answer`` directly (``from tests.crm.conftest import load_trace``) when they need traces at
collection time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from portalclient.crm import CrmClient, CrmSettings
from tests.crm.replay import Canned, replay_server

TRACES_DIR = Path(__file__).resolve().parent / "traces"


@dataclass(frozen=True)
class Trace:
    """One captured exchange: the exact HTTP bodies, the HTTP metadata and PHP's decoded value."""

    name: str
    request: bytes
    response: bytes
    meta: dict
    decoded: dict

    @property
    def status(self) -> int:
        """The HTTP status the CRM answered with."""
        return int(self.meta["response"]["status"])

    @property
    def content_type(self) -> str | None:
        """The response's Content-Type header (PHP fatals spell it ``Content-type``)."""
        headers = self.meta["response"]["headers"]
        return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def trace_names() -> list[str]:
    """Every case in the traces directory, sorted (``get_details.Accounts`` and friends)."""
    return sorted(p.name.removesuffix(".response.xml") for p in TRACES_DIR.glob("*.response.xml"))


def load_trace(name: str) -> Trace:
    """Load one case by name; a missing file is an error, never a silent skip."""
    base = TRACES_DIR / name
    return Trace(
        name=name,
        request=base.with_name(f"{name}.request.xml").read_bytes(),
        response=base.with_name(f"{name}.response.xml").read_bytes(),
        meta=json.loads(base.with_name(f"{name}.meta.json").read_text(encoding="utf-8")),
        decoded=json.loads(base.with_name(f"{name}.decoded.json").read_text(encoding="utf-8")),
    )


@pytest.fixture
def trace():
    """The ``load_trace`` function, as a fixture."""
    return load_trace


def answer(crm, *names: str) -> None:
    """Queue the CRM's captured answers of the named traces, in order."""
    crm.queue(*(Canned.from_trace(load_trace(name)) for name in names))


@pytest.fixture(scope="module")
def shared_crm():
    """One replay server per test module (starting one per test would be slow)."""
    with replay_server() as server:
        yield server


@pytest.fixture
def crm(shared_crm):
    """The module's replay server, with its queue and recorded requests emptied."""
    shared_crm.reset()
    yield shared_crm


@pytest.fixture
def client(crm):
    """A CrmClient talking to the replay server."""
    return CrmClient(CrmSettings(server_path=crm.url, timeout=5))
