"""nusoap_parser's value rules and PHP's casts, so decoded answers are the values PHP saw."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from portalclient.crm.errors import MalformedResponse

_XML_NS = "http://www.w3.org/XML/1998/namespace"
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
#: Far deeper than any CRM answer; keeps recursion well inside Python's limit.
_MAX_DEPTH = 200
_INT_MAX = 2**63 - 1


def local_name(tag: str) -> str:
    """Local part of a Clark-notation name."""
    return tag.rpartition("}")[2]


def child_elements(el: etree._Element):
    """Child elements, skipping comments, processing instructions and entity nodes."""
    return (child for child in el if isinstance(child.tag, str))


def _own_text(el: etree._Element) -> str:
    """The element's own character data: its text plus the tails between its children."""
    return "".join([el.text or "", *(child.tail or "" for child in el)])


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
        local = local_name(key)
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


class Decoder:
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
        if len(el) and next(child_elements(el), None) is not None:
            return self._compound(el, info, depth)
        text = _own_text(el)
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
        """Rule 2: a list for arrays (rows for 2-D ones), a dict for everything else.

        An array that also carries attributes or text becomes a dict with int keys, since a
        Python list cannot hold PHP's extra ``'!attr'`` entries.
        """
        item_type = info.item_type if info.type == "array" else None
        children = [(local_name(c.tag), self.value(c, item_type, depth + 1))
                    for c in child_elements(el)]
        if info.cols:
            result: Any = _rows([v for _, v in children], int(info.cols))
        elif info.type in ("array", "Array"):
            result = [v for _, v in children]
        else:
            result = _struct(children)
        text = _own_text(el)
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
