"""Parse a SOAP request as vtiger's nusoap server does: operation by name, params by position."""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crm_stub.soap.decode import decode_struct
from crm_stub.soap.xmlns import local_name

log = logging.getLogger(__name__)

#: Largest request body (after decompression) the stub accepts.
MAX_REQUEST_BYTES = 32 * 1024 * 1024

_NOT_WELL_FORMED = "error in msg parsing:\nXML error parsing SOAP payload on line {line}: {reason}"


class SoapFault(Exception):
    """A condition answered with a ``SOAP-ENV:Fault`` envelope and HTTP 500."""

    def __init__(self, faultstring: str, faultcode: str = "SOAP-ENV:Client"):
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.faultcode = faultcode


def unknown_operation(name: str) -> SoapFault:
    """The fault nusoap gives for an operation name missing from its WSDL."""
    return SoapFault(f"Operation '{name}' is not defined in the WSDL for this service")


@dataclass(frozen=True)
class SoapRequest:
    operation: str
    #: Namespace of the operation element; None when it was unqualified.
    namespace: str | None
    params: list[Any] = field(default_factory=list)


def _safe_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, expands no entities and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )


def _inflate(body: bytes, wbits: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    data = inflater.decompress(body, MAX_REQUEST_BYTES + 1)
    if len(data) > MAX_REQUEST_BYTES or inflater.unconsumed_tail:
        raise SoapFault(f"error in msg parsing:\nrequest larger than {MAX_REQUEST_BYTES} bytes")
    return data


def decompress(body: bytes, content_encoding: str | None) -> bytes:
    """Undo a gzip or deflate ``Content-Encoding`` (zlib-wrapped or raw deflate), capped in size."""
    encoding = (content_encoding or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return _inflate(body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return _inflate(body, zlib.MAX_WBITS)
            except zlib.error:
                return _inflate(body, -zlib.MAX_WBITS)
    except zlib.error as exc:
        raise SoapFault(f"error in msg parsing:\ncannot decode {encoding} body: {exc}") from None
    return body


def _parse_xml(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body, _safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position and exc.position[0] else 1
        reason = "Not well-formed (invalid token)"
        raise SoapFault(_NOT_WELL_FORMED.format(line=line, reason=reason)) from None
    if root.getroottree().docinfo.doctype:
        raise SoapFault(_NOT_WELL_FORMED.format(line=1, reason="DTDs are not allowed"))
    return root


def _operation_element(root: etree._Element) -> etree._Element | None:
    """The first element child of ``Body`` (of any namespace), or None."""
    if local_name(root.tag) != "Envelope":
        return None
    for child in root:
        if isinstance(child.tag, str) and local_name(child.tag) == "Body":
            return next((el for el in child if isinstance(el.tag, str)), None)
    return None


def _namespace_of(element: etree._Element) -> str | None:
    return etree.QName(element).namespace


def parse_request(
    body: bytes, content_type: str | None, content_encoding: str | None = None
) -> SoapRequest:
    """Decode a SOAP request body into operation name, its namespace and positional params.

    Raises SoapFault for what the real server answers with a fault.
    """
    if "text/xml" not in (content_type or "").lower():
        raise unknown_operation("")
    if len(body) > MAX_REQUEST_BYTES:
        raise SoapFault(f"error in msg parsing:\nrequest larger than {MAX_REQUEST_BYTES} bytes")
    body = decompress(body, content_encoding)
    if not body.strip():
        raise SoapFault(_NOT_WELL_FORMED.format(line=1, reason="no element found"))
    operation = _operation_element(_parse_xml(body))
    if operation is None:
        return SoapRequest(operation="", namespace=None, params=[])
    # Like nusoap: decoded as a struct (repeated names merge), then passed by position.
    params = list(decode_struct(operation).values())
    namespace = _namespace_of(operation)
    log.debug("parsed %s with %d params", local_name(operation.tag), len(params))
    return SoapRequest(operation=local_name(operation.tag), namespace=namespace, params=params)
