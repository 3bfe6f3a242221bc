"""bench.soapcount: the operation named in real request bodies, and the counting WSGI wrapper."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from bench.soapcount import COUNTS_PATH, NOT_SOAP, UNREADABLE, SoapCounter, soap_operation

TRACES = Path(__file__).resolve().parent.parent / "crm" / "traces"


def _trace(name: str) -> bytes:
    return (TRACES / f"{name}.request.xml").read_bytes()


@pytest.mark.parametrize("trace, operation", [
    ("authenticate_user", "authenticate_user"),
    ("add_ticket_attachment", "add_ticket_attachment"),
    ("get_KBase_details", "get_KBase_details"),
    ("fault.unknown_operation", "no_such_operation"),
])
def test_operation_from_real_request_bodies(trace, operation):
    assert soap_operation(_trace(trace)) == operation


def test_operation_from_compressed_bodies():
    body = _trace("get_combo_values")
    assert soap_operation(gzip.compress(body), "gzip") == "get_combo_values"
    assert soap_operation(zlib.compress(body), "deflate") == "get_combo_values"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(body) + raw.flush()
    assert soap_operation(raw_deflate, "Deflate") == "get_combo_values"


@pytest.mark.parametrize("body, encoding", [
    (b"This is not xml\n", ""),
    (b"<a><b/></a>", ""),  # XML, but no SOAP envelope
    (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
     b"<!-- nothing --></e:Body></e:Envelope>", ""),
    (b"not gzip", "gzip"),
])
def test_unreadable_bodies(body, encoding):
    assert soap_operation(body, encoding) == UNREADABLE


def test_comment_before_the_operation_is_skipped():
    body = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
            b'<!-- c --><ns:get_faq xmlns:ns="urn:x"/></e:Body></e:Envelope>')
    assert soap_operation(body) == "get_faq"


@Request.application
def _echo_length(request: Request) -> Response:
    """The wrapped app still receives the whole body."""
    return Response(str(len(request.get_data())))


def test_counter_counts_passes_bodies_through_and_resets():
    client = Client(SoapCounter(_echo_length))
    body = _trace("authenticate_user")
    answer = client.post("/vtigerservice.php?service=customerportal", data=body,
                         content_type="text/xml")
    assert answer.get_data(as_text=True) == str(len(body))
    client.post("/vtigerservice.php", data=_trace("get_KBase_details"), content_type="text/xml")
    client.post("/vtigerservice.php", data=body, content_type="text/xml")
    client.get("/vtigerservice.php?service=customerportal&wsdl")
    counts = client.get(COUNTS_PATH)
    assert counts.json == {"authenticate_user": 2, "get_KBase_details": 1, NOT_SOAP: 1}
    assert client.delete(COUNTS_PATH).json == {}
    assert client.get(COUNTS_PATH).json == {}
