"""SOAP framing for CRM answers: status, charset, safe parsing, envelope and faults (PROTOCOL 2.3).

Decoding follows the PHP nusoap client exactly, so the values match what the PHP portal received;
the per-element value rules live in ``nusoap``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from lxml import etree

from portalclient.crm.errors import CrmHttpError, MalformedResponse, SoapFault
from portalclient.crm.nusoap import Decoder, child_elements, local_name

log = logging.getLogger(__name__)

#: Characters libxml2 rejects and the CRM emits unescaped (PROTOCOL 1.7).
_C0_CONTROLS = re.compile(rb"[\x00-\x08\x0B\x0C\x0E-\x1F]")
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))
_PHP_CHARSETS = {"UTF-8": None, "ISO-8859-1": "latin-1", "US-ASCII": "ascii"}
_XML_MIME_TYPES = frozenset({"text/xml", "application/xml"})


def decode_response(body: bytes, *, status: int = 200,
                    content_type: str | None = "text/xml; charset=UTF-8",
                    max_bytes: int | None = None, operation: str | None = None) -> Any:
    """Return the value the PHP portal's ``$client->call()`` would return for this HTTP answer.

    ``content_type`` None means the header is unknown: the body is parsed as its XML
    declaration says, without nusoap's charset checks.
    """
    if max_bytes is not None and len(body) > max_bytes:
        raise MalformedResponse(f"response of {len(body)} bytes exceeds the {max_bytes} byte limit",
                                operation=operation)
    if status not in (200, 500):
        raise _http_error(body, status, content_type, operation)
    if not body.strip():
        raise MalformedResponse(f"empty response body (HTTP {status})", operation=operation)
    if content_type is not None and not _is_xml_type(content_type):
        raise MalformedResponse(f"response not of type text/xml: {content_type}",
                                operation=operation)
    return _decode_envelope(body, content_type, operation)


def as_list(value: Any) -> list:
    """Normalize a value that should be a list but that nusoap may have mangled (PROTOCOL 2.4)."""
    if value is None or value == "":
        return []
    if isinstance(value, dict) and list(value) == ["item"]:
        inner = value["item"]
        return inner if isinstance(inner, list) else [inner]
    if isinstance(value, list):
        return value
    return [value]


def _http_error(body: bytes, status: int, content_type: str | None,
                operation: str | None) -> Exception:
    """A fault if the odd status still carries one, otherwise the HTTP error itself."""
    if body.strip() and (content_type is None or _is_xml_type(content_type)):
        try:
            _decode_envelope(body, content_type, operation)
        except SoapFault as fault:
            return fault
        except MalformedResponse:
            pass
    return CrmHttpError(f"HTTP {status} without a SOAP response", status=status,
                        operation=operation)


def _is_xml_type(content_type: str) -> bool:
    """Whether a Content-Type names an XML document (nusoap insists on text/xml)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in _XML_MIME_TYPES or mime.endswith("+xml")


def _decode_envelope(body: bytes, content_type: str | None, operation: str | None) -> Any:
    """Parse the envelope, decode the Body's method element and unwrap its parts."""
    root = _parse(body, operation)
    lossy = _output_codec(body, root, content_type, operation)
    method = _method_element(root, operation)
    if method is None:
        return ""
    decoder = Decoder(lossy, operation)
    value = decoder.value(method, None, 0, default_type="struct")
    if _is_fault(method, value):
        raise _fault(value, operation)
    return _unwrap_parts(value)


def _parse(body: bytes, operation: str | None) -> etree._Element:
    """Parse safely; on failure strip C0 control characters and try once more."""
    if any(marker in body for marker in _DOCTYPE_MARKERS):
        raise MalformedResponse("response carries a DOCTYPE", operation=operation)
    error: etree.XMLSyntaxError | None = None
    for attempt in (body, _C0_CONTROLS.sub(b"", body)):
        try:
            root = etree.fromstring(attempt, _new_parser())
            break
        except etree.XMLSyntaxError as exc:
            error = exc
    else:
        raise MalformedResponse(f"unparseable XML: {error}", operation=operation) from error
    if error is not None:
        log.warning("%s: dropped control characters to parse the response", operation)
    if root.getroottree().docinfo.doctype:
        raise MalformedResponse("response carries a DOCTYPE", operation=operation)
    return root


def _new_parser() -> etree.XMLParser:
    """A parser that never fetches or expands anything and accepts huge base64 text nodes."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=True, remove_pis=True)


def _output_codec(body: bytes, root: etree._Element, content_type: str | None,
                  operation: str | None) -> str | None:
    """nusoap's charset handling: the Python codec text is squeezed through, None for UTF-8."""
    if content_type is None:
        return None
    http_charset = _nusoap_charset(content_type)
    declared = _declared_encoding(body, root)
    if declared is not None and declared != http_charset and not (
            http_charset == "ISO-8859-1" and declared == "UTF-8"):
        raise MalformedResponse(f"charset {http_charset} from HTTP does not match the XML "
                                f"declaration's {declared}", operation=operation)
    return _PHP_CHARSETS[http_charset]


def _nusoap_charset(content_type: str) -> str:
    """The charset nusoap decodes into: the header's if supported, US-ASCII if not, else Latin-1."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').upper()
            return charset if charset in _PHP_CHARSETS else "US-ASCII"
    return "ISO-8859-1"


def _declared_encoding(body: bytes, root: etree._Element) -> str | None:
    """The encoding named in the XML declaration, or None when the document names none."""
    head = body[:300].removeprefix(b"\xef\xbb\xbf")
    if not head.startswith(b"<?xml") or b"encoding" not in head.split(b"?>", 1)[0]:
        return None
    return (root.getroottree().docinfo.encoding or "").upper()


def _method_element(root: etree._Element, operation: str | None) -> etree._Element | None:
    """The first element inside the envelope's Body, or None for an empty Body."""
    if not isinstance(root.tag, str) or local_name(root.tag) != "Envelope":
        raise MalformedResponse("response is not a SOAP envelope", operation=operation)
    body = next((c for c in child_elements(root) if local_name(c.tag) == "Body"), None)
    if body is None:
        raise MalformedResponse("SOAP envelope has no Body", operation=operation)
    return next(child_elements(body), None)


def _is_fault(method: etree._Element, value: Any) -> bool:
    """nusoap's test (a ``faultcode`` entry), plus any Fault element at all."""
    if isinstance(value, dict) and value.get("faultcode") is not None:
        return True
    return local_name(method.tag) == "Fault"


def _fault(value: Any, operation: str | None) -> SoapFault:
    """Build the exception from a decoded Fault struct."""
    fields = value if isinstance(value, dict) else {}
    text = {key: "" if fields.get(key) is None else str(fields[key])
            for key in ("faultcode", "faultstring", "faultactor")}
    return SoapFault(text["faultstring"], faultcode=text["faultcode"],
                     faultactor=text["faultactor"], detail=fields.get("detail", ""),
                     operation=operation)


def _unwrap_parts(value: Any) -> Any:
    """``call()``'s return: one part's value, all parts if several, '' if no array at all."""
    if isinstance(value, list):
        return value if len(value) > 1 else (value[0] if value else None)
    if isinstance(value, dict):
        return value if len(value) > 1 else next(iter(value.values()), None)
    return ""

