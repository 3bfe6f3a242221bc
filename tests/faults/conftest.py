"""The integration fixtures (stub CRM and portal on real local ports) for this folder too, plus
the fault proxy between them: ``portal`` talks to the stub only through ``proxy``."""

from typing import Iterator

import pytest

from tests.faults.helpers import TIMEOUT
from tests.faults.proxy import FaultProxy, running
from tests.integration.conftest import *  # noqa: F401,F403  (pytest registers imported fixtures)
from tests.integration.conftest import Customer, StubCrm, log_in_as


@pytest.fixture
def proxy(stub_crm: StubCrm) -> Iterator[FaultProxy]:
    """The fault proxy in front of the stub, passing everything through until told otherwise."""
    yield from running(stub_crm.url)


@pytest.fixture
def portal(proxy: FaultProxy, make_portal) -> str:
    """A portal whose CRM is the proxy, with a short CRM timeout."""
    return make_portal(proxy.url, crm={"timeout_seconds": TIMEOUT})


@pytest.fixture
def customer(stub_crm: StubCrm, portal: str, browser) -> Customer:
    """Alice, logged in through the healthy proxy."""
    return log_in_as(stub_crm, browser, portal, "alice@acme.example")
