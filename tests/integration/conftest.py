"""Integration fixtures: the stub CRM and the portal on real local ports, driven over HTTP."""

from __future__ import annotations

import contextlib
import io
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import lxml.html
import pytest
import requests

import crm_stub
from portalclient import create_app
from tests.integration.crm_fixtures import soap_operation
from tests.servers import serve_wsgi


@dataclass
class StubCrm:
    """The running stub CRM: its URL and its store (to check what the portal told it)."""

    url: str
    store: Any

    def demo_login(self) -> tuple[str, str]:
        """The first demo login: an active customer with open and closed tickets."""
        return self.store.demo_logins()[0]


class CallCounter:
    """WSGI middleware in front of the stub: how often each SOAP operation was called."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        """Every SOAP request so far."""
        return sum(self.calls.values())

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ.get("REQUEST_METHOD") == "POST" and length:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            with self._lock:
                self.calls[soap_operation(body) or "?"] += 1
        return self.app(environ, start_response)


def failing_operation(app: Any, operation: bytes) -> Any:
    """Make the stub CRM answer HTTP 500 with an empty body to every call of ``operation``."""
    inner = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if operation in body:
            start_response("500 Internal Server Error", [("Content-Type", "text/html")])
            return [b""]
        environ["wsgi.input"] = io.BytesIO(body)
        return inner(environ, start_response)

    app.wsgi_app = wsgi
    return app


@contextlib.contextmanager
def stub_behind(tmp_path: Path, wrap: Callable[[Any], Any]) -> Iterator[tuple[StubCrm, Any]]:
    """A fresh stub CRM served through the WSGI middleware ``wrap(app)`` (a call counter, a
    gate holding calls …); yields the stub and the middleware."""
    app = crm_stub.create_app(tmp_path / "crm")
    middleware = wrap(app)
    with serve_wsgi(middleware) as url:
        app.extensions["crm_stub"].base_url = url
        yield StubCrm(url=url, store=app.extensions["crm_stub"].store), middleware


@pytest.fixture
def counted_stub(tmp_path: Path) -> Iterator[tuple[StubCrm, CallCounter]]:
    """The stub CRM behind a CallCounter: what the portal asked it, by operation."""
    with stub_behind(tmp_path, CallCounter) as running:
        yield running


@dataclass(kw_only=True)
class PortalVisitors:
    """Demo customers logging in to one running portal, each in a browser of their own (closed
    with ``close``)."""

    stub: StubCrm
    url: str
    browsers: list[requests.Session] = field(default_factory=list)

    def log_in(self, email: str, language: str = "en") -> Customer:
        browser = requests.Session()
        browser.headers["Accept-Language"] = language
        self.browsers.append(browser)
        return log_in_as(self.stub, browser, self.url, email)

    def close(self) -> None:
        for browser in self.browsers:
            browser.close()


@pytest.fixture
def stub_crm(tmp_path: Path) -> Iterator[StubCrm]:
    app = crm_stub.create_app(tmp_path / "crm")
    with serve_wsgi(app) as url:
        app.extensions["crm_stub"].base_url = url
        yield StubCrm(url=url, store=app.extensions["crm_stub"].store)


def portal_overrides(crm_url: str, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """A complete portal configuration for tests (no config file is ever read)."""
    overrides: dict[str, Any] = {
        "Server_Path": crm_url,
        "Authenticate_Path": "http://127.0.0.1/",
        "upload_dir": str(tmp_path / "uploads"),
        "languages": ["en", "de", "fa"],
        "default_language": "en",
        "crm": {"timeout_seconds": 5},
        "security": {"secret_key": "integration-test-secret"},
    }
    overrides.update(extra)
    return overrides


@pytest.fixture
def make_portal(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start a portal against ``crm_url``; returns its base URL (servers stop after the test)."""
    stack: list[Any] = []

    def start(crm_url: str, **extra: Any) -> str:
        server = serve_wsgi(create_app(overrides=portal_overrides(crm_url, tmp_path, **extra)))
        stack.append(server)
        return server.__enter__()

    yield start
    for server in reversed(stack):
        server.__exit__(None, None, None)


@pytest.fixture
def portal_url(stub_crm: StubCrm, make_portal) -> str:
    return make_portal(stub_crm.url)


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Accept-Language"] = "en"
        yield session


def page(response: requests.Response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.text)


def login(browser: requests.Session, portal_url: str, email: str, password: str,
          next_url: str | None = None) -> requests.Response:
    """Fill in the login form like a person would (GET it for the CSRF token, then POST)."""
    params = {"next": next_url} if next_url else None
    form_page = browser.get(f"{portal_url}/login", params=params)
    token = page(form_page).xpath("//form[@method='post']//input[@name='csrf_token']/@value")[0]
    data = {"csrf_token": token, "email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return browser.post(f"{portal_url}/login", data=data)


def csrf_token_of(response: requests.Response) -> str:
    """The CSRF token of the first POST form on a page (one token per session)."""
    return page(response).xpath("//form[@method='post']//input[@name='csrf_token']/@value")[0]


def post_form(browser: requests.Session, page_url: str, action: str,
              data: dict[str, Any] | None = None, **kwargs: Any) -> requests.Response:
    """Open ``page_url`` like a person, then submit ``data`` to ``action`` with its CSRF token."""
    token = csrf_token_of(browser.get(page_url))
    return browser.post(action, data={"csrf_token": token, **(data or {})}, **kwargs)


@dataclass
class Customer:
    """A logged-in demo customer: their browser session and who they are in the stub."""

    browser: requests.Session
    portal_url: str
    email: str
    contact_id: int

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.browser.get(f"{self.portal_url}{path}", **kwargs)

    def submit(self, form_path: str, action_path: str, data: dict[str, Any] | None = None,
               **kwargs: Any) -> requests.Response:
        """Submit a form found at ``form_path`` to ``action_path`` (both portal paths)."""
        return post_form(self.browser, f"{self.portal_url}{form_path}",
                         f"{self.portal_url}{action_path}", data, **kwargs)


def log_in_as(stub: StubCrm, browser: requests.Session, portal_url: str,
              email: str) -> Customer:
    """Log in the demo login ``email`` (see ``Store.demo_logins``) and return the customer."""
    password = dict(stub.store.demo_logins())[email]
    response = login(browser, portal_url, email, password)
    assert response.status_code == 200, response.text
    contact_id = stub.store.scalar("SELECT id FROM contacts WHERE email = ?", (email,))
    return Customer(browser, portal_url, email, int(contact_id))


def log_in_again(stub: StubCrm, customer: Customer) -> Customer:
    """The same customer in a new CRM session, after a test changed the CRM behind the portal's
    back: the lists cached for the old session (``[cache] customer_ttl_seconds``) are not used."""
    return log_in_as(stub, customer.browser, customer.portal_url, customer.email)


@pytest.fixture
def alice(stub_crm: StubCrm, portal_url: str, browser: requests.Session) -> Customer:
    """Alice Anderson of Acme (show-all on for tickets in the demo set-up), logged in."""
    return log_in_as(stub_crm, browser, portal_url, "alice@acme.example")


# -- one stub and portal per test module, for tests that only read -----------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[StubCrm, str]]:
    """One stub CRM and portal for a module's read-only tests (saves starting two per test)."""
    root = tmp_path_factory.mktemp("demo")
    app = crm_stub.create_app(root / "crm")
    with serve_wsgi(app) as crm_url:
        app.extensions["crm_stub"].base_url = crm_url
        stub = StubCrm(url=crm_url, store=app.extensions["crm_stub"].store)
        with serve_wsgi(create_app(overrides=portal_overrides(crm_url, root))) as portal:
            yield stub, portal


def reader(demo: tuple[StubCrm, str], email: str) -> Iterator[Customer]:
    """A demo login on the shared read-only portal, in its own browser session."""
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        yield log_in_as(demo[0], browser, demo[1], email)


@pytest.fixture
def alice_r(demo) -> Iterator[Customer]:
    """Alice, logged in to the shared read-only portal."""
    yield from reader(demo, "alice@acme.example")


@pytest.fixture
def bob_r(demo) -> Iterator[Customer]:
    yield from reader(demo, "bob@acme.example")


@pytest.fixture
def dave_r(demo) -> Iterator[Customer]:
    yield from reader(demo, "dave@globex.example")


@pytest.fixture
def store(demo):
    return demo[0].store


# -- reading pages ----------------------------------------------------------------------------

def table_rows(response: requests.Response, table_id: str) -> list[list[str]]:
    """The text of every body cell of table ``table_id``, row by row."""
    return [[cell.text_content().strip() for cell in row.xpath("td")]
            for row in page(response).xpath(f"//table[@id='{table_id}']/tbody/tr")]


def headers(response: requests.Response, table_id: str) -> list[str]:
    return [th.text_content().strip() for th in
            page(response).xpath(f"//table[@id='{table_id}']/thead//th")]


def empty_text(response: requests.Response) -> str:
    """The empty-state sentence of the page."""
    return page(response).xpath("normalize-space(//main//p[@class='empty'])")


def flash_texts(response: requests.Response) -> list[str]:
    """The flashed messages, whitespace normalised."""
    return [" ".join(text.split()) for text in page(response).xpath("//li[@role='status']/text()")]


def record_id(store: Any, table: str, column: str, value: str) -> int:
    """The stub's id of the row of ``table`` whose ``column`` is ``value``."""
    return int(store.scalar(f"SELECT id FROM {table} WHERE {column} = ?", (value,)))
