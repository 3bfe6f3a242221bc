"""A programmable reverse proxy between the portal and the stub CRM: it passes SOAP calls through,
or makes them late, lost, cut short, corrupted or failed, as a test asks.

The portal is pointed at ``FaultProxy.url``; the proxy forwards to the stub. A fault may apply
to one SOAP operation only (read from the request's Body), a number of times only (then the
proxy recovers), and may first forward the request so the write happens in the CRM and only
the answer goes wrong: the "did it arrive?" case.
"""

from __future__ import annotations

import http.client
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import urlsplit

from lxml import etree

log = logging.getLogger(__name__)

SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"
#: What the proxy can do to one exchange.
MODES = ("delay", "drop", "truncate", "half_xml", "garbage", "http500", "empty200")
GARBAGE = b"\x00\x01 this is not XML <<<&&& \xff\xfe"


@dataclass
class Fault:
    """One programmed fault; ``times`` None means until the test says otherwise."""

    mode: str
    operation: str | None = None
    times: int | None = None
    forward_first: bool = False
    seconds: float = 0.0

    def matches(self, operation: str) -> bool:
        return self.operation is None or self.operation == operation


@dataclass(frozen=True)
class Answer:
    """The upstream's answer, held so it can be passed on or spoiled."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class FaultProxy:
    """The proxy server; thread-safe, reconfigurable while the portal uses it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._stopping = threading.Event()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self.operations: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_running(self) -> bool:
        return self._server is not None

    def start(self) -> "FaultProxy":
        """Listen (again, on the same port after ``stop``) and serve in a thread."""
        server = _ProxyServer(("127.0.0.1", self.port), _Handler)
        server.proxy = self
        self.port = server.server_address[1]
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(target=server.serve_forever, daemon=True,
                                        name=f"fault-proxy-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: the CRM is down, connections are refused."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def fail(self, mode: str, *, operation: str | None = None, times: int | None = None,
             forward_first: bool = False, seconds: float = 0.0) -> None:
        """Spoil the next matching exchanges (see ``MODES``)."""
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        with self._lock:
            self._fault = Fault(mode, operation, times, forward_first, seconds)

    def pass_through(self) -> None:
        """The CRM is healthy again."""
        with self._lock:
            self._fault = None

    def take(self, operation: str) -> Fault | None:
        """The fault for this exchange, if any (counting down a limited one)."""
        with self._lock:
            self.operations.append(operation)
            fault = self._fault
            if fault is None or not fault.matches(operation):
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._fault = None
            return fault

    def busy(self, change: int) -> None:
        """Count exchanges in progress (``wait_idle`` waits for them)."""
        with self._idle:
            self._busy += change
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Until every exchange has ended (a delayed write has reached the stub)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise TimeoutError("the fault proxy is still busy")

    def wait(self, seconds: float) -> None:
        """Sleep, but wake at once when the proxy stops (so tests end quickly)."""
        self._stopping.wait(seconds)

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        """Send the exchange to the stub and read its whole answer."""
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    """One exchange: read the request, ask the proxy what to do, answer accordingly."""

    server: _ProxyServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._exchange(body, soap_operation(body))

    def do_GET(self) -> None:
        self._exchange(b"", "")

    def _exchange(self, body: bytes, operation: str) -> None:
        proxy = self.server.proxy
        fault = proxy.take(operation)
        proxy.busy(+1)
        try:
            answer = None
            if fault is None or fault.forward_first or fault.mode == "delay":
                if fault is not None and fault.mode == "delay" and not fault.forward_first:
                    proxy.wait(fault.seconds)
                answer = proxy.forward(self.command, self.path, self._upstream_headers(), body)
            if fault is None:
                self._send(answer.status, answer.headers, answer.body)
            else:
                self._spoil(fault, answer)
        except OSError as exc:  # the portal gave up and closed its end: nothing to answer
            log.debug("fault proxy: %s lost (%s)", operation or self.command, exc)
        finally:
            proxy.busy(-1)

    def _upstream_headers(self) -> dict[str, str]:
        skipped = {"host", "connection", "content-length"}
        return {k: v for k, v in self.headers.items() if k.lower() not in skipped}

    def _spoil(self, fault: Fault, answer: Answer | None) -> None:
        """Answer according to ``fault`` (``answer`` is the stub's, when it was asked)."""
        proxy = self.server.proxy
        xml = answer.body if answer is not None else _placeholder_envelope()
        if fault.mode == "delay":
            if fault.forward_first:
                proxy.wait(fault.seconds)
            self._send(answer.status, answer.headers, answer.body)
        elif fault.mode == "drop":
            self.close_connection = True
        elif fault.mode == "truncate":
            self._send_cut(xml)
        elif fault.mode == "half_xml":
            self._send(200, [("Content-Type", "text/xml; charset=UTF-8")], xml[:len(xml) // 2])
        elif fault.mode == "garbage":
            self._send(200, [("Content-Type", "text/xml; charset=UTF-8")], GARBAGE)
        elif fault.mode == "http500":
            self._send(500, [], b"")
        else:  # empty200
            self._send(200, [("Content-Type", "text/xml; charset=UTF-8")], b"")

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding",
                                    "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_cut(self, body: bytes) -> None:
        """Promise the whole body, send half, hang up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        log.debug("fault proxy: " + format, *args)


def soap_operation(body: bytes) -> str:
    """The local name of the SOAP operation in ``body`` ('' when it is not a SOAP request)."""
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return ""
    soap_body = root.find(SOAP_BODY)
    if soap_body is None or not len(soap_body):
        return ""
    return etree.QName(soap_body[0]).localname


def _placeholder_envelope() -> bytes:
    """A well-formed SOAP answer to cut in half when the stub was not asked."""
    envelope = etree.Element("{http://schemas.xmlsoap.org/soap/envelope/}Envelope")
    body = etree.SubElement(envelope, SOAP_BODY)
    etree.SubElement(body, "placeholderResponse").text = "x" * 200
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def running(upstream: str) -> Iterator[FaultProxy]:
    """A started proxy in front of ``upstream``, stopped afterwards (for fixtures)."""
    proxy = FaultProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.stop()
