"""Decode SOAP-encoded elements into PHP-like values with nusoap_parser's rules (PROTOCOL 2.3).

The real server decodes requests with the same parser as the PHP client, so ``xsi:type`` is
honoured on input: ``xsd:int`` arrives as int, ``xsd:boolean`` as bool, nil as None.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from lxml import etree

from crm_stub.soap.xmlns import local_name

#: Attributes nusoap does not turn into ``'!name'`` keys (matched by local name).
_STRUCTURAL_ATTRS = frozenset({"type", "arrayType", "nil", "href", "encodingStyle", "root"})

_STRING_TYPES = frozenset({"string", "long", "unsignedLong"})
_INT_TYPES = frozenset({
    "int", "integer", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedShort", "unsignedByte",
})
_FLOAT_TYPES = frozenset({"float", "double", "decimal"})
_BASE64_TYPES = frozenset({"base64", "base64Binary"})

_INT_PREFIX = re.compile(r"\s*[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
#: ``prefix:Name[n]``: untyped children inherit ``Name``; vtiger's ``:[n]`` does not match.
_ARRAY_ITEM_TYPE = re.compile(r"^[^:\[]+:([^\[]+)\[")


def php_intval(text: str) -> int:
    """Cast like PHP ``(int)``: the leading integer, 0 when there is none."""
    match = _INT_PREFIX.match(text)
    return int(match.group()) if match else 0


def php_floatval(text: str) -> float:
    """Cast like PHP ``(float)``: the leading number, 0.0 when there is none."""
    match = _FLOAT_PREFIX.match(text)
    return float(match.group()) if match else 0.0


def php_boolval(text: str) -> bool:
    """nusoap's boolean: ``false``/``f`` are False, otherwise PHP truthiness of the text."""
    if text.lower() in ("false", "f"):
        return False
    return text not in ("", "0")


def decode_leaf_text(text: str, type_name: str | None) -> Any:
    """Decode a childless element's text by the local name of its (possibly inherited) type."""
    if type_name in _INT_TYPES:
        return php_intval(text)
    if type_name in _FLOAT_TYPES:
        return php_floatval(text)
    if type_name == "boolean":
        return php_boolval(text)
    if type_name in _BASE64_TYPES:
        try:
            return base64.b64decode(text)
        except binascii.Error:
            return b""
    return text


def _type_name(element: etree._Element) -> str | None:
    for name, value in element.attrib.items():
        if local_name(name) == "type":
            return value.rpartition(":")[2]
    return None


def _array_type(element: etree._Element) -> str | None:
    for name, value in element.attrib.items():
        if local_name(name) == "arrayType":
            return value
    return None


def _extra_attributes(element: etree._Element) -> dict[str, str]:
    """Attributes that nusoap adds to the value as ``'!name'`` keys."""
    return {
        "!" + local_name(name): value
        for name, value in element.attrib.items()
        if local_name(name) not in _STRUCTURAL_ATTRS
    }


def _is_nil(element: etree._Element) -> bool:
    return any(local_name(n) == "nil" and v in ("true", "1") for n, v in element.attrib.items())


def _child_elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _is_array(element: etree._Element) -> bool:
    return _array_type(element) is not None or _type_name(element) in ("Array", "array")


def _mixed_text(element: etree._Element) -> str:
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return "".join(parts)


def _merge_into(result: dict, key: str, value: Any) -> None:
    """Add a struct member; repeated names collect into a list the way nusoap does it."""
    if key not in result:
        result[key] = value
        return
    existing = result[key]
    if not (isinstance(existing, list) and existing):
        result[key] = existing = [existing]
    existing.append(value)


def _decode_array(element: etree._Element, children: list[etree._Element]) -> list:
    match = _ARRAY_ITEM_TYPE.match(_array_type(element) or "")
    item_type = match.group(1) if match else None
    return [decode_element(child, item_type) for child in children]


def decode_struct(element: etree._Element) -> dict:
    """Decode ``element``'s child elements as struct members keyed by local name."""
    result: dict[str, Any] = {}
    for child in _child_elements(element):
        _merge_into(result, local_name(child.tag), decode_element(child))
    return result


def _decode_compound(element: etree._Element, children: list[etree._Element]) -> Any:
    extras = _extra_attributes(element)
    if _is_array(element):
        items = _decode_array(element, children)
        if not extras:
            return items
        value: dict[Any, Any] = dict(enumerate(items))
    else:
        value = decode_struct(element)
    value.update(extras)
    text = _mixed_text(element)
    if text.strip():
        value["!"] = text
    return value


def decode_element(element: etree._Element, inherited_type: str | None = None) -> Any:
    """Return the PHP-like value nusoap_parser makes of ``element``."""
    children = _child_elements(element)
    if children:
        return _decode_compound(element, children)
    extras = _extra_attributes(element)
    if _is_nil(element) and not extras:
        return None
    text = "".join(element.itertext())
    if extras:
        value: dict[str, Any] = dict(extras)
        if _is_nil(element):
            value["!"] = None
        elif text.strip():
            value["!"] = text
        return value
    if _array_type(element) is not None:
        return []
    return decode_leaf_text(text, _type_name(element) or inherited_type)
