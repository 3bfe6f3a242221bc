"""Module-scoped fixtures: a fresh stub CRM over real HTTP and a CrmClient pointed at it.

Import the fixtures into a test module (``from tests.integration.crm_fixtures import *``-style,
by name). Each test module gets its own seeded stub in a temporary directory, so tests of one
module may change data (passwords, tickets, module settings) without touching other modules.
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Iterator

import pytest
from lxml import etree

import crm_stub
from crm_stub.admin_actions import set_module_visible
from portalclient.crm import CrmClient, CrmSettings
from portalclient.crm.models import Customer
from tests.servers import serve_wsgi

log = logging.getLogger(__name__)

#: Demo contacts by first name (see crm_stub/seed/a_core.py).
ALICE, BOB, CAROL, DAVE, ERIN = ("alice@acme.example", "bob@acme.example",
                                 "carol@globex.example", "dave@globex.example",
                                 "erin@globex.example")
#: Carol's support window ended 30 days ago; her password is not a demo login.
CAROL_PASSWORD = "carol123"


_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def soap_operation(body: bytes) -> str | None:
    """The operation a SOAP request calls: the local name of the Body's first element."""
    try:
        envelope = etree.fromstring(body, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None
    call = envelope.find(f"{{{_SOAP_ENV}}}Body/*")
    return etree.QName(call).localname if call is not None else None


def wsdl_operations() -> set[str]:
    """Every operation the client's shipped WSDL declares (the protocol's 33)."""
    path = resources.files("portalclient.crm").joinpath("wsdl", "customerportal.wsdl")
    tree = etree.fromstring(path.read_bytes(), _SAFE_PARSER)
    return {op.get("name") for op in tree.iterfind(
        "{http://schemas.xmlsoap.org/wsdl/}portType/{http://schemas.xmlsoap.org/wsdl/}operation")}


class OperationRecorder:
    """WSGI middleware that notes which SOAP operation each request to the stub called."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: set[str] = set()

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ.get("REQUEST_METHOD") == "POST" and length:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            name = soap_operation(body)
            if name:
                self.seen.add(name)
        return self.app(environ, start_response)


@dataclass
class RunningStub:
    """The stub CRM of one test module: its base URL, store, demo passwords, calls seen."""

    url: str
    store: Any
    passwords: dict[str, str]
    recorder: OperationRecorder

    def password(self, email: str) -> str:
        """The demo password of ``email``."""
        return self.passwords[email]

    def contact_id(self, email: str) -> str:
        """The record id of the contact with that e-mail, as the CRM writes ids."""
        return str(self.store.scalar("SELECT id FROM contacts WHERE email = ?", (email,)))


@pytest.fixture(scope="module")
def crm_stub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStub]:
    """A freshly seeded stub CRM for this module, served on a free local port."""
    app = crm_stub.create_app(tmp_path_factory.mktemp("crm-stub"), testing=True)
    ctx = app.extensions["crm_stub"]
    recorder = OperationRecorder(app)
    with serve_wsgi(recorder) as url:
        ctx.base_url = url
        yield RunningStub(url=url, store=ctx.store, passwords=dict(ctx.store.demo_logins()),
                          recorder=recorder)


@pytest.fixture(scope="module")
def crm(crm_stub_server: RunningStub) -> Iterator[CrmClient]:
    """The portal's CRM client talking to the module's stub over HTTP."""
    client = CrmClient(CrmSettings(server_path=crm_stub_server.url, timeout=10))
    yield client
    client.close()


@pytest.fixture(scope="module")
def log_in(crm: CrmClient, crm_stub_server: RunningStub) -> Callable[[str], Customer]:
    """Log a demo contact in by e-mail (a new CRM session, replacing its previous one)."""

    def login(email: str) -> Customer:
        return crm.authenticate(email, crm_stub_server.password(email))

    return login


@pytest.fixture(scope="module")
def alice(log_in: Callable[[str], Customer]) -> Customer:
    """Alice (Acme): open and closed tickets, quotes, invoices, a project, assets."""
    return log_in(ALICE)


@pytest.fixture(scope="module")
def bob(log_in: Callable[[str], Customer]) -> Customer:
    """Bob (Acme): Alice's colleague, owner of TT3."""
    return log_in(BOB)


@pytest.fixture(scope="module")
def dave(log_in: Callable[[str], Customer]) -> Customer:
    """Dave (Globex): another company's customer, owner of TT6 and INV2."""
    return log_in(DAVE)


@contextlib.contextmanager
def module_hidden(store: Any, module: str) -> Iterator[None]:
    """Hide a portal tab (the admin's "visible" switch) for the duration of the block."""
    set_module_visible(store, module, False)
    try:
        yield
    finally:
        set_module_visible(store, module, True)


@contextlib.contextmanager
def crm_module_disabled(store: Any, module: str) -> Iterator[None]:
    """Disable a CRM module itself (vtiger_tab.presence) for the duration of the block."""
    store.execute("UPDATE portal_modules SET enabled = 0 WHERE name = ?", (module,))
    try:
        yield
    finally:
        store.execute("UPDATE portal_modules SET enabled = 1 WHERE name = ?", (module,))
