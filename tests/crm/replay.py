"""A canned CRM on 127.0.0.1: answers each POST with the next queued reply and records requests.

Tests queue real trace responses (or hand-made failures: a sleep, a redirect, an HTML page)
and then read back exactly what the client sent, as bytes and parsed with lxml.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree
from werkzeug.wrappers import Request, Response

from tests.servers import serve_wsgi

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"


@dataclass(frozen=True)
class Canned:
    """One reply to serve: body, status, content type, extra headers, delay before answering."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/xml; charset=UTF-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    #: Send the body in chunks without Content-Length (chunked), as a streaming server would.
    chunked: bool = False

    @classmethod
    def from_trace(cls, trace) -> "Canned":
        """The CRM's captured answer (a ``tests.crm.conftest.Trace``), status and type included."""
        return cls(trace.response, status=trace.status,
                   content_type=trace.content_type or "text/xml")


@dataclass(frozen=True)
class Recorded:
    """One request the replay server received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def operation(self) -> tuple[str, list]:
        """The operation name and its positional parameters (see ``call_shape``)."""
        return call_shape(self.body)


def call_shape(body: bytes) -> tuple[str, list]:
    """Parse an envelope into (operation, params): a param is (xsi type, text) or a list of them.

    Element names are left out on purpose: the server reads parameters by position only.
    """
    envelope = etree.fromstring(body)
    operation = envelope.find(SOAP_BODY)[0]
    return etree.QName(operation).localname, [_param(child) for child in operation]


def _param(element: etree._Element):
    if len(element):
        return [_param(child) for child in element]
    if element.get(XSI_NIL) in ("true", "1"):
        return ("nil", None)
    return (element.get(XSI_TYPE), element.text or "")


@dataclass
class ReplayServer:
    """State shared between the test and the WSGI app serving it."""

    url: str = ""
    replies: "queue.Queue[Canned]" = field(default_factory=queue.Queue)
    requests: list[Recorded] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def queue(self, *replies: Canned) -> None:
        """Queue replies, served in order, one per POST."""
        for reply in replies:
            self.replies.put(reply)

    def queue_trace(self, trace_response: bytes, status: int = 200) -> None:
        """Queue a captured response body as the CRM sent it."""
        self.queue(Canned(body=trace_response, status=status))

    def reset(self) -> None:
        """Forget recorded requests and drop unserved replies (for a server shared by tests)."""
        with self._lock:
            self.requests.clear()
        while not self.replies.empty():
            self.replies.get_nowait()

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append(Recorded(request.full_path, dict(request.headers),
                                          request.get_data()))
        try:
            canned = self.replies.get_nowait()
        except queue.Empty:
            canned = Canned(b"no reply queued", status=599, content_type="text/plain")
        if canned.delay:
            time.sleep(canned.delay)
        body = _chunks(canned.body) if canned.chunked else canned.body
        response = Response(body, status=canned.status, content_type=canned.content_type)
        for name, value in canned.headers:
            response.headers[name] = value
        return response(environ, start_response)


def _chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


@contextlib.contextmanager
def replay_server() -> Iterator[ReplayServer]:
    """Run a ReplayServer on a free 127.0.0.1 port for the duration of the block."""
    server = ReplayServer()
    with serve_wsgi(server) as url:
        server.url = url
        yield server
