"""Access to the captured berliCRM traces, for every test of the CRM package.

Other test modules use the ``trace`` fixture, or import ``load_trace`` directly
(``from tests.crm.conftest import load_trace``) when they need traces at collection time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

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
