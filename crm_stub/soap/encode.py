"""Serialize PHP-like values into SOAP-encoded elements exactly as nusoap 0.9.5 does for vtiger.

Two serializers (PROTOCOL 2.2): nusoap's generic ``serialize_val`` (keeps structure, used below
the top level) and the path taken for vtiger's malformed ``common_array`` type (top level: keys
dropped, items typed with an empty ``xsd:`` for arrays). Elements are created in place under
their parent so they reuse the envelope's prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from crm_stub.soap.xmlns import ENC_ARRAY_TYPE, XSI_NIL, XSI_TYPE

#: C0 controls other than tab, LF and CR: PHP emits them raw (invalid XML); the stub drops them.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def php_string(value: bool | int | float | str) -> str:
    """Convert a scalar the way PHP's string interpolation does (True -> '1', 250.0 -> '250')."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _php_float(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot serialize {type(value).__name__} as a PHP scalar")


def _php_float(value: float) -> str:
    """PHP's float-to-string with precision 14: ``250``, ``45.5``, ``1.0E+25``."""
    if value != value:
        return "NAN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    text = f"{value:.14G}"
    if "E" in text:
        mantissa, _, exponent = text.partition("E")
        if "." not in mantissa:
            mantissa += ".0"
        text = f"{mantissa}E{exponent[0]}{int(exponent[1:])}"
    return "0" if text == "-0" else text


def xml_text(value: str) -> str:
    """Text safe for XML: control characters removed."""
    return _CONTROL_CHARS.sub("", value)


def is_php_list(value: Any) -> bool:
    """True for values PHP would call an "arraySimple": lists and dicts with only int keys."""
    if isinstance(value, (list, tuple)):
        return True
    return isinstance(value, Mapping) and all(isinstance(k, int) for k in value)


def array_values(value: list | tuple | Mapping) -> list:
    """The values of a PHP array in insertion order, keys dropped."""
    return list(value.values()) if isinstance(value, Mapping) else list(value)


def _scalar_xsd_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise TypeError(f"cannot serialize {type(value).__name__} over SOAP")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return xml_text(php_string(value))


def add_scalar(parent: etree._Element, name: str, value: Any) -> etree._Element:
    """``<name xsi:type="xsd:T">text</name>`` for a string, int, float or bool."""
    element = etree.SubElement(parent, name)
    element.set(XSI_TYPE, "xsd:" + _scalar_xsd_type(value))
    element.text = _scalar_text(value)
    return element


def _php_gettype_tag(value: Any) -> str:
    """What nusoap records per list item to name the list's arrayType."""
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple, Mapping)):
        return "arraySimple" if is_php_list(value) else "arrayStruct"
    return {"boolean": "boolean", "int": "int", "float": "double", "string": "string"}[
        _scalar_xsd_type(value)
    ]


def _list_array_type(items: list) -> str:
    tags = {_php_gettype_tag(item) for item in items}
    if len(tags) > 1:
        return "xsd:anyType"
    (tag,) = tags
    if tag == "arraySimple":
        return "SOAP-ENC:Array"
    if tag == "arrayStruct":
        return "unnamed_struct_use_soapval"
    return tag if tag == "NULL" else "xsd:" + tag


def add_generic(parent: etree._Element, name: str, value: Any) -> etree._Element:
    """nusoap's generic serializer: nil, typed scalars, SOAP-ENC arrays, untyped structs."""
    if value is None:
        element = etree.SubElement(parent, name)
        element.set(XSI_NIL, "true")
        return element
    if not isinstance(value, (list, tuple, Mapping)):
        return add_scalar(parent, name, value)
    if is_php_list(value):
        return _add_generic_list(parent, name, array_values(value))
    element = etree.SubElement(parent, name)
    for key, item in value.items():
        add_generic(element, str(key), item)
    return element


def _add_generic_list(parent: etree._Element, name: str, items: list) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.set(XSI_TYPE, "SOAP-ENC:Array")
    if items:
        element.set(ENC_ARRAY_TYPE, f"{_list_array_type(items)}[{len(items)}]")
    else:
        element.set(ENC_ARRAY_TYPE, "xsd:anyType[0]")
        element.text = ""
    for item in items:
        add_generic(element, "item", item)
    return element


def _add_vtiger_item(parent: etree._Element, value: Any) -> etree._Element:
    """One top-level item of vtiger's ``common_array``: arrays get the empty type ``xsd:``."""
    if value is None:
        element = etree.SubElement(parent, "item")
        element.set(XSI_TYPE, "xsd:")
        element.set(XSI_NIL, "true")
        return element
    if not isinstance(value, (list, tuple, Mapping)):
        return add_scalar(parent, "item", value)
    element = etree.SubElement(parent, "item")
    element.set(XSI_TYPE, "xsd:")
    if is_php_list(value):
        members = [("item", item) for item in array_values(value)]
    else:
        members = [(str(key), item) for key, item in value.items()]
    if not members:
        element.text = ""
    for key, item in members:
        add_generic(element, key, item)
    return element


def _array_shell(
    parent: etree._Element, name: str, value: Any, item_type: str
) -> tuple[etree._Element, list]:
    """Create a ``SOAP-ENC:Array`` element typed ``item_type[n]``; return its items to add."""
    element = etree.SubElement(parent, name)
    if value is None:
        element.set(XSI_NIL, "true")
    element.set(XSI_TYPE, "SOAP-ENC:Array")
    items = array_values(value) if isinstance(value, (list, tuple, Mapping)) else []
    element.set(ENC_ARRAY_TYPE, f"{item_type}[{len(items)}]")
    if value is not None and not items:
        element.text = ""
    return element, items


def add_vtiger_array(parent: etree._Element, name: str, value: Any) -> etree._Element:
    """An array of the malformed ``common_array`` type: ``arrayType=":[n]"``, keys dropped.

    None gives a nil empty array; a non-array value (e.g. get_pdf's ``failure``) an empty one.
    """
    element, items = _array_shell(parent, name, value, ":")
    for item in items:
        _add_vtiger_item(element, item)
    return element


def add_array_of_arrays(parent: etree._Element, name: str, value: Any) -> etree._Element:
    """``common_array1`` (get_KBase_details): a SOAP array of ``tns:common_array`` arrays."""
    element, items = _array_shell(parent, name, value, "tns:common_array")
    for item in items:
        add_vtiger_array(element, "item", item)
    return element


def add_string_return(parent: etree._Element, name: str, value: Any) -> etree._Element:
    """A part declared ``xsd:string``: nil for None, PHP string conversion otherwise."""
    element = etree.SubElement(parent, name)
    if value is None:
        element.set(XSI_NIL, "true")
        element.set(XSI_TYPE, "xsd:string")
        return element
    element.set(XSI_TYPE, "xsd:string")
    element.text = xml_text(php_string(value))
    return element
