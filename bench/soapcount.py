"""Counting SOAP calls at the stub CRM: the operation of a request body, and a WSGI wrapper.

The wrapper sits in the stub's process (``bench.stub_server``) around the stub's Flask app; it
reads each request's body, names the operation from the first child of ``SOAP-ENV:Body`` and
counts it. ``GET`` /__bench__/soap-counts answers the counts as JSON; ``DELETE`` resets them.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import threading
import zlib
from collections import Counter
from typing import Any, Callable, Iterable

from lxml import etree

log = logging.getLogger(__name__)

COUNTS_PATH = "/__bench__/soap-counts"
SOAP_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
#: What a request that is not a readable SOAP call is counted as.
UNREADABLE = "(unreadable)"
NOT_SOAP = "(GET)"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

WsgiApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


def decode_body(body: bytes, content_encoding: str = "") -> bytes:
    """The request body without its HTTP content coding (gzip or deflate, as nusoap may send)."""
    coding = content_encoding.strip().lower()
    if coding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if coding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, no zlib header
    return body


def soap_operation(body: bytes, content_encoding: str = "") -> str:
    """The operation a SOAP request calls: the local name of the Body's first element."""
    try:
        root = etree.fromstring(decode_body(body, content_encoding), _PARSER)
    except (etree.XMLSyntaxError, OSError, zlib.error, ValueError):
        return UNREADABLE
    body_element = root.find(f"{{{SOAP_ENVELOPE_NS}}}Body")
    if body_element is None:
        return UNREADABLE
    for child in body_element:
        if isinstance(child.tag, str):  # skip comments and processing instructions
            return etree.QName(child).localname
    return UNREADABLE


class SoapCounter:
    """Thread-safe counts of SOAP operations, readable and resettable over HTTP."""

    def __init__(self, app: WsgiApp):
        self.app = app
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def snapshot(self) -> dict[str, int]:
        """The counts so far, by operation."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Start counting from zero (between concurrency levels)."""
        with self._lock:
            self._counts.clear()

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == COUNTS_PATH:
            return self._counts_endpoint(environ, start_response)
        self._count(self._operation_of(environ))
        return self.app(environ, start_response)

    def _count(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1

    @staticmethod
    def _operation_of(environ: dict) -> str:
        """Read (and put back) the request body, and name its operation."""
        if environ.get("REQUEST_METHOD") != "POST":
            return NOT_SOAP
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return soap_operation(body, environ.get("HTTP_CONTENT_ENCODING", ""))

    def _counts_endpoint(self, environ: dict,
                         start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "DELETE":
            self.reset()
        payload = json.dumps(self.snapshot(), sort_keys=True).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(payload)))])
        return [payload]
