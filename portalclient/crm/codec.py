"""Decode the CRM's SOAP answers into exactly the values PHP's nusoap client sees (PROTOCOL 2.3).

The CRM serializes PHP arrays through a broken WSDL type; what the PHP portal receives is whatever
``nusoap_parser`` makes of that XML. Reproducing its rules literally (lists for arrays, dicts for
structs, the odd handling of repeated names, typed leaves) means every quirk documented in the
protocol reference shows up here unchanged, and the client can normalize it in one place.

PHP arrays that mix list items with string keys (a SOAP array carrying extra attributes) are
returned as dicts with int keys, since a Python list cannot hold ``'!attr'`` entries.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from portalclient.crm.errors import CrmHttpError, MalformedResponse, SoapFault

log = logging.getLogger(__name__)

_XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Characters libxml2 rejects and the CRM emits unescaped (PROTOCOL 1.7).
_C0_CONTROLS = re.compile(rb"[\x00-\x08\x0B\x0C\x0E-\x1F]")
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))
#: nusoap's arrayType pattern, unanchored like its preg_match; ``":[n]"`` does not match.
_ARRAY_TYPE = re.compile(r"([A-Za-z0-9_]+):([A-Za-z]+[A-Za-z0-9_]+)\[([0-9]+),?([0-9]*)\]")
#: The leading numeric part of a string as PHP's numeric-string rules read it.
_PHP_NUMBER = re.compile(
    r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_PHP_TRIM = " \t\n\r\0\x0b"
_INT_TYPES = frozenset({
    "int", "integer", "short", "byte", "nonPositiveInteger", "negativeInteger",
    "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedShort", "unsignedByte",
})
_IGNORED_ATTRS = frozenset({"encodingStyle", "root"})
_PHP_CHARSETS = {"UTF-8": None, "ISO-8859-1": "latin-1", "US-ASCII": "ascii"}
_XML_MIME_TYPES = frozenset({"text/xml", "application/xml"})
#: Far deeper than any CRM answer; keeps recursion well inside Python's limit.
_MAX_DEPTH = 200
_INT_MAX = 2**63 - 1


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
    decoder = _Decoder(lossy, operation)
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
    if not isinstance(root.tag, str) or _local(root.tag) != "Envelope":
        raise MalformedResponse("response is not a SOAP envelope", operation=operation)
    body = next((c for c in _elements(root) if _local(c.tag) == "Body"), None)
    if body is None:
        raise MalformedResponse("SOAP envelope has no Body", operation=operation)
    return next(_elements(body), None)


def _is_fault(method: etree._Element, value: Any) -> bool:
    """nusoap's test (a ``faultcode`` entry), plus any Fault element at all."""
    if isinstance(value, dict) and value.get("faultcode") is not None:
        return True
    return _local(method.tag) == "Fault"


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


def _local(tag: str) -> str:
    """Local part of a Clark-notation name."""
    return tag.rpartition("}")[2]


def _elements(el: etree._Element):
    """Child elements, skipping comments, processing instructions and entity nodes."""
    return (child for child in el if isinstance(child.tag, str))


@dataclass
class _Attrs:
    """What nusoap's start_element notes about an element's attributes."""

    type: str | None = None
    item_type: str | None = None
    cols: str = ""
    nil: bool = False
    href: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _read_attrs(el: etree._Element, default_type: str | None) -> _Attrs:
    """Classify attributes the way nusoap_parser::start_element does, in document order."""
    info = _Attrs(type=default_type)
    for key, value in el.attrib.items():
        local = _local(key)
        if local == "type":
            if info.type != "array":
                info.type = value.rpartition(":")[2]
        elif local == "arrayType":
            info.type = "array"
            match = _ARRAY_TYPE.search(value)
            if match:
                info.item_type, info.cols = match.group(2), match.group(4)
        elif local == "nil":
            info.nil = value in ("true", "1")
        elif key == "href":
            info.href = value
        elif local not in _IGNORED_ATTRS:
            info.extra["!" + _qualified(el, key)] = value
    return info


def _qualified(el: etree._Element, key: str) -> str:
    """An attribute's name as written (``prefix:local``), which is how PHP's parser keys it."""
    if not key.startswith("{"):
        return key
    uri, _, local = key[1:].partition("}")
    if uri == _XML_NS:
        return "xml:" + local
    prefix = next((p for p, u in el.nsmap.items() if u == uri and p), None)
    return f"{prefix}:{local}" if prefix else local


class _Decoder:
    """Turns elements into PHP-shaped values; one instance per response."""

    def __init__(self, lossy_codec: str | None, operation: str | None) -> None:
        self.lossy_codec = lossy_codec
        self.operation = operation

    def value(self, el: etree._Element, inherited: str | None, depth: int,
              default_type: str | None = None) -> Any:
        """Decode one element (rules 1-5); ``inherited`` is the parent array's item type."""
        if depth > _MAX_DEPTH:
            raise MalformedResponse("response nests too deeply", operation=self.operation)
        info = _read_attrs(el, default_type)
        if info.href is not None:
            return self._multiref(el, info.href, depth)
        if len(el) and next(_elements(el), None) is not None:
            return self._compound(el, info, depth)
        text = "".join([el.text or "", *(child.tail or "" for child in el)])
        if info.extra:
            result: dict[Any, Any] = dict(info.extra)
            if info.nil:
                result["!"] = None
            elif text.strip(_PHP_TRIM):
                result["!"] = self._leaf(text, info, inherited)
            return result
        return None if info.nil else self._leaf(text, info, inherited)

    def _leaf(self, text: str, info: _Attrs, inherited: str | None) -> Any:
        """A typed leaf, a leaf typed by its parent array, or plain text."""
        type_name = info.type if info.type is not None else inherited
        return self._text(text) if type_name is None else self._simple(text, type_name)

    def _compound(self, el: etree._Element, info: _Attrs, depth: int) -> Any:
        """Rule 2: a list for arrays (rows for 2-D ones), a dict for everything else."""
        item_type = info.item_type if info.type == "array" else None
        children = [(_local(c.tag), self.value(c, item_type, depth + 1)) for c in _elements(el)]
        if info.cols:
            result: Any = _rows([v for _, v in children], int(info.cols))
        elif info.type in ("array", "Array"):
            result = [v for _, v in children]
        else:
            result = _struct(children)
        text = "".join([el.text or "", *(child.tail or "" for child in el)])
        if info.extra or text.strip(_PHP_TRIM):
            result = dict(enumerate(result)) if isinstance(result, list) else result
            result.update(info.extra)
            if text.strip(_PHP_TRIM):
                result["!"] = self._simple(text, info.type or "")
        return result

    def _multiref(self, el: etree._Element, href: str, depth: int) -> Any:
        """``href="#id"``: the value of the element carrying that id, None if there is none."""
        targets = el.getroottree().xpath("//*[@id=$ref]", ref=href[1:])
        return self.value(targets[0], None, depth + 1) if targets else None

    def _simple(self, text: str, type_name: str) -> Any:
        """nusoap_parser::decodeSimple."""
        if type_name in _INT_TYPES:
            return _php_int(text)
        if type_name in ("float", "double", "decimal"):
            return _php_float(text)
        if type_name == "boolean":
            return text.lower() not in ("false", "f") and text not in ("", "0")
        if type_name in ("base64", "base64Binary"):
            return _php_base64(text)
        if type_name == "array":
            return []
        return self._text(text)

    def _text(self, text: str) -> str:
        """Text as PHP holds it: squeezed through nusoap's output charset when not UTF-8."""
        if self.lossy_codec is None or text.isascii():
            return text
        return text.encode(self.lossy_codec, "replace").decode(self.lossy_codec)


def _struct(children: list[tuple[str, Any]]) -> dict[str, Any]:
    """Key children by name; repeated names collect into a list the way nusoap does it."""
    result: dict[str, Any] = {}
    owned: set[str] = set()
    for name, value in children:
        if name not in result:
            result[name] = value
            continue
        existing = result[name]
        if not _php_has_index0(existing):
            existing = [existing]
            owned.add(name)
        elif name not in owned:  # copy once, then append in place: linear for long runs
            existing = list(existing) if isinstance(existing, list) else dict(existing)
            owned.add(name)
        _php_append(existing, value)
        result[name] = existing
    return result


def _php_has_index0(value: Any) -> bool:
    """PHP's ``is_array($v) && isset($v[0])``."""
    if isinstance(value, list):
        return bool(value) and value[0] is not None
    return isinstance(value, dict) and value.get(0) is not None


def _php_append(container: list | dict, value: Any) -> None:
    """PHP's ``$array[] = $value`` for a list or an int-keyed dict."""
    if isinstance(container, list):
        container.append(value)
    else:
        int_keys = [k for k in container if isinstance(k, int)]
        container[max(int_keys) + 1 if int_keys else 0] = value


def _rows(values: list[Any], cols: int) -> list[list[Any]]:
    """A 2-D array ``T[r,c]``: children split into rows of ``cols`` (one row if cols is 0)."""
    if cols <= 0:
        return [values]
    return [values[i:i + cols] for i in range(0, len(values), cols)]


def _php_int(text: str) -> int:
    """PHP's ``(int)`` of a string: the leading number, truncated and capped; 0 if none."""
    match = _PHP_NUMBER.match(text)
    if not match:
        return 0
    number = match.group(1)
    if number.lstrip("+-").isdigit():
        return max(-_INT_MAX - 1, min(_INT_MAX, int(number)))
    as_float = float(number)
    if as_float != as_float or as_float in (float("inf"), float("-inf")):
        return 0
    return max(-_INT_MAX - 1, min(_INT_MAX, int(as_float)))


def _php_float(text: str) -> float:
    """PHP's ``(float)`` of a string: the leading number, 0.0 if none."""
    match = _PHP_NUMBER.match(text)
    return float(match.group(1)) if match else 0.0


def _php_base64(text: str) -> bytes:
    """PHP's lenient ``base64_decode``: characters outside the alphabet are skipped."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        cleaned = cleaned[: len(cleaned) - (len(cleaned) % 4 == 1)]
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
