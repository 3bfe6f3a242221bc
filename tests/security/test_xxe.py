"""Hostile XML from the CRM: external entities, external DTDs, entity bombs, oversized and
deeply nested answers. A fake CRM in front of the stub answers with crafted SOAP; the portal
must refuse it with its own error page, fetch nothing, leak nothing and keep serving."""

from __future__ import annotations

import resource
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
import requests

import crm_stub
from portalclient import create_app
from tests.integration.conftest import StubCrm, csrf_token_of, login, page, portal_overrides
from tests.servers import serve_wsgi

SECRET = "TOP-SECRET-4f1c9a"
MAX_RESPONSE_MB = 1
ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
            ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<SOAP-ENV:Body><ns1:get_tickets_listResponse xmlns:ns1="urn:x">'
            '<return xsi:type="xsd:string">{payload}</return>'
            '</ns1:get_tickets_listResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>')


class FakeCrm(ThreadingHTTPServer):
    """Relays SOAP calls to the stub CRM, or answers every call with ``crafted`` when set;
    serves /evil.dtd and records every request (to prove nothing was fetched)."""

    daemon_threads = True

    def __init__(self, stub_url: str) -> None:
        super().__init__(("127.0.0.1", 0), _FakeCrmHandler)
        self.stub_url = stub_url
        self.crafted: bytes | None = None
        self.chunked = False
        self.requests: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def fetched(self) -> list[str]:
        """Paths requested other than SOAP calls (a DTD, a stylesheet, an entity's URL)."""
        return [path for method, path in self.requests if method != "POST"]


class _FakeCrmHandler(BaseHTTPRequestHandler):
    server: FakeCrm

    def do_POST(self) -> None:
        self.server.requests.append(("POST", self.path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.crafted is None:
            relayed = requests.post(self.server.stub_url + self.path, data=body, timeout=10, headers={
                "Content-Type": self.headers.get("Content-Type", "text/xml"),
                "SOAPAction": self.headers.get("SOAPAction", "")})
            self._answer(relayed.content, relayed.headers.get("Content-Type", "text/xml"))
        else:
            self._answer(self.server.crafted, "text/xml; charset=UTF-8")

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path))
        self._answer(f'<!ENTITY leak "{SECRET}">'.encode(), "application/xml-dtd")

    def _answer(self, content: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if self.server.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(content), 65536):
                piece = content[start:start + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def crm(tmp_path_factory) -> Iterator[tuple[FakeCrm, StubCrm, str, Path]]:
    """The stub, the fake CRM relaying to it, a portal speaking to the fake, a secret file."""
    root = tmp_path_factory.mktemp("xxe")
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    app = crm_stub.create_app(root / "crm")
    with serve_wsgi(app) as stub_url:
        app.extensions["crm_stub"].base_url = stub_url
        stub = StubCrm(url=stub_url, store=app.extensions["crm_stub"].store)
        fake = FakeCrm(stub_url)
        thread = threading.Thread(target=fake.serve_forever, daemon=True)
        thread.start()
        overrides = portal_overrides(fake.url, root, crm={"timeout_seconds": 5,
                                                          "max_response_mb": MAX_RESPONSE_MB})
        try:
            with serve_wsgi(create_app(overrides=overrides)) as portal:
                yield fake, stub, portal, secret
        finally:
            fake.shutdown()
            fake.server_close()


def hostile_answers(fake: FakeCrm, secret: Path) -> dict[str, bytes]:
    """The crafted answers, by attack."""
    laughs = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10}">' for n in range(1, 10))
    nested = "<a>" * 100_000 + "x" + "</a>" * 100_000
    return {
        "external entity (local file)": ENVELOPE.format(
            doctype=f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "file://{secret}">]>', payload="&xxe;"),
        "external DTD": ENVELOPE.format(
            doctype=f'<!DOCTYPE e SYSTEM "{fake.url}/evil.dtd">', payload="&leak;"),
        "parameter entity": ENVELOPE.format(
            doctype=f'<!DOCTYPE e [<!ENTITY % p SYSTEM "{fake.url}/param.dtd"> %p;]>',
            payload="&leak;"),
        "billion laughs": ENVELOPE.format(
            doctype=f'<!DOCTYPE e [<!ENTITY l0 "lol">{laughs}]>', payload="&l9;"),
        "quadratic blowup": ENVELOPE.format(
            doctype=f'<!DOCTYPE e [<!ENTITY a "{"x" * 50_000}">]>', payload="&a;" * 5_000),
        "stylesheet PI and XInclude": ENVELOPE.format(
            doctype=f'<?xml-stylesheet type="text/xsl" href="{fake.url}/x.xsl"?>',
            payload=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                    f'href="file://{secret}" parse="text"/>'),
        "deep nesting": ENVELOPE.format(doctype="", payload=nested),
        "nesting within the parser's limit": ENVELOPE.format(
            doctype="", payload="<a>" * 1900 + "x" + "</a>" * 1900),
        "DOCTYPE in UTF-16": ENVELOPE.replace('encoding="UTF-8"', 'encoding="UTF-16"').format(
            doctype=f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "file://{secret}">]>',
            payload="&xxe;").encode("utf-16")[2:].decode("latin-1"),
        "larger than max_response_mb": ENVELOPE.format(
            doctype="", payload="A" * (MAX_RESPONSE_MB * 1024 * 1024 + 10)),
    }


def encoded(text: str) -> bytes:
    return text.encode("latin-1") if text.startswith("<\x00") else text.encode("utf-8")


ATTACKS = ["external entity (local file)", "external DTD", "parameter entity", "billion laughs",
           "quadratic blowup", "stylesheet PI and XInclude", "deep nesting", "nesting within the parser's limit",
           "DOCTYPE in UTF-16",
           "larger than max_response_mb"]


def log_in_only(browser: requests.Session, portal: str) -> requests.Response:
    """Log alice in without following the redirect home (which would fill the portal's
    per-session cache with the ticket list the attack must be served for)."""
    browser.headers["Accept-Language"] = "en"
    token = csrf_token_of(browser.get(f"{portal}/login"))
    response = browser.post(f"{portal}/login", allow_redirects=False, data={
        "csrf_token": token, "email": "alice@acme.example", "password": "alice123"})
    assert response.status_code == 302
    return response


#: Parsed without harm (the PI is dropped, XInclude is never processed): an odd but empty list.
HARMLESS_ONCE_PARSED = {"stylesheet PI and XInclude"}


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_hostile_answer_to_a_page_gives_the_error_page_and_nothing_leaks(crm, attack, chunked):
    fake, stub, portal, secret = crm
    with requests.Session() as browser:
        log_in_only(browser, portal)
        fake.crafted, fake.chunked = encoded(hostile_answers(fake, secret)[attack]), chunked
        fetched_before, rss_before, started = len(fake.fetched()), max_rss_mb(), time.monotonic()
        try:
            response = browser.get(f"{portal}/tickets")
        finally:
            fake.crafted, fake.chunked = None, False
        assert time.monotonic() - started < 5
        assert max_rss_mb() - rss_before < 200
        assert SECRET not in response.text and "lol" not in response.text
        if attack in HARMLESS_ONCE_PARSED:
            assert response.status_code == 200
        else:
            assert response.status_code in (502, 503), response.status_code
            assert page(response).xpath("string(//p[@role='alert'])").startswith(
                "The support system ")
        assert fake.fetched()[fetched_before:] == []
        assert browser.get(f"{portal}/tickets").status_code == 200  # and the portal carries on


@pytest.mark.parametrize("attack", ["external entity (local file)", "billion laughs",
                                    "larger than max_response_mb"])
def test_a_hostile_answer_to_the_login_is_a_clear_refusal(crm, attack):
    fake, stub, portal, secret = crm
    fake.crafted = encoded(hostile_answers(fake, secret)[attack])
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        try:
            response = login(browser, portal, "alice@acme.example", "alice123")
        finally:
            fake.crafted = None
        assert response.status_code in (502, 503)
        assert page(response).xpath("string(//*[@role='alert'])").startswith("The support system")
        assert SECRET not in response.text
        assert page(response).xpath("//form[@method='post']//input[@name='email']/@value") == [
            "alice@acme.example"]
        assert browser.get(f"{portal}/tickets", allow_redirects=False).status_code == 302
        assert login(browser, portal, "alice@acme.example", "alice123").status_code == 200
