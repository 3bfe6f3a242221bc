"""The stub's SOAP codec against the real berliCRM traces: same requests in, same bytes out."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from lxml import etree

from crm_stub.soap import SoapFault, build_fault, build_response, parse_request
from crm_stub.soap.decode import decode_element
from crm_stub.soap.encode import php_string

TRACES = Path(__file__).resolve().parent.parent / "crm" / "traces"
XML = "text/xml; charset=UTF-8"

#: Operations whose WSDL return type is xsd:string (PROTOCOL 2.2 a); get_KBase_details is
#: common_array1; every other operation returns vtiger's broken common_array.
STRING_OPS = {"close_current_ticket", "update_login_details", "send_mail_for_password",
              "get_ticket_creator", "get_check_account_id", "show_all", "updateCount"}


def _kind(operation: str) -> str:
    if operation in STRING_OPS:
        return "string"
    return "array_of_arrays" if operation == "get_KBase_details" else "array"


def _decoded(name: str) -> dict:
    return json.loads((TRACES / f"{name}.decoded.json").read_text())


def _value_traces() -> list[str]:
    """Traces whose response carries a result (faults and empty PHP-fatal bodies have none)."""
    names = sorted(p.name[: -len(".decoded.json")] for p in TRACES.glob("*.decoded.json"))
    return [n for n in names if "result" in _decoded(n)]


def _request_traces() -> list[str]:
    return sorted(p.name[: -len(".request.xml")] for p in TRACES.glob("*.request.xml"))


def _canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def _response_part(xml: bytes) -> etree._Element:
    body = etree.fromstring(xml)[0]
    return body[0]


def _undo_item_struct(item):
    """Rebuild a top-level PHP list from what the PHP client made of it.

    A list inside a top-level ``xsd:`` item has no arrayType, so nusoap decodes it as a struct
    ``{'item': x}`` (one element) or ``{'item': [x, y]}`` (several): save_faq_comment, 4.8.
    """
    if isinstance(item, dict) and list(item) == ["item"]:
        inner = item["item"]
        return inner if isinstance(inner, list) else [inner]
    return item


def _php_value(name: str, kind: str):
    result = _decoded(name)["result"]
    if kind == "array" and isinstance(result, list):
        return [_undo_item_struct(item) for item in result]
    return result


@pytest.mark.parametrize("name", _value_traces())
def test_serializing_the_decoded_value_reproduces_the_real_response(name):
    real = (TRACES / f"{name}.response.xml").read_bytes()
    wrapper = _response_part(real)
    qname = etree.QName(wrapper)
    operation = qname.localname.removesuffix("Response")
    kind = _kind(operation)
    value = _php_value(name, kind)
    mine = build_response(operation, qname.namespace, value, kind, host="127.0.0.1")
    assert _canonical(mine) == _canonical(real)


def test_simple_response_is_byte_identical_after_the_envelope_tag():
    """Except for the order of attributes on SOAP-ENV:Envelope, lxml reproduces nusoap's bytes."""
    real = (TRACES / "authenticate_user.response.xml").read_bytes()
    mine = build_response("authenticate_user", "http://127.0.0.1:8090",
                          _decoded("authenticate_user")["result"], "array")
    assert mine.startswith(b'<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope ')
    assert mine.partition(b"<SOAP-ENV:Body>")[2] == real.partition(b"<SOAP-ENV:Body>")[2]
    assert len(mine) == len(real)


@pytest.mark.parametrize("name", ["fault.not_xml", "fault.unknown_operation",
                                  "get_cf_field_details.unimplemented"])
def test_fault_envelopes_match_the_real_faults(name):
    real = (TRACES / f"{name}.response.xml").read_bytes()
    fault = _decoded(name)["fault"]
    mine = build_fault(fault["faultstring"], fault["faultcode"])
    assert _canonical(mine) == _canonical(real)
    # nusoap starts the Body of a fault on a new line
    assert b">\n<SOAP-ENV:Body><SOAP-ENV:Fault>" in mine


def test_unqualified_operation_binds_ns1_to_the_envelope_namespace():
    xml = build_response("get_modules", None, ["HelpDesk"], "array")
    wrapper = _response_part(xml)
    assert wrapper.tag == "{http://schemas.xmlsoap.org/soap/envelope/}get_modulesResponse"
    assert wrapper.prefix == "ns1"


def _return_of(value, kind="array") -> etree._Element:
    return _response_part(build_response("op", "urn:test", value, kind))[0]


def _attrs(element: etree._Element) -> list[tuple[str, str]]:
    return [(etree.QName(k).localname, v) for k, v in element.attrib.items()]


def test_array_kind_top_level_shapes():
    nil = _return_of(None)
    assert _attrs(nil) == [("nil", "true"), ("type", "SOAP-ENC:Array"), ("arrayType", ":[0]")]
    for not_an_array in ("failure", [], {}):
        empty = _return_of(not_an_array)
        assert _attrs(empty) == [("type", "SOAP-ENC:Array"), ("arrayType", ":[0]")]
        assert len(empty) == 0 and empty.text is None  # '' serializes as <return ...></return>
    keyed = _return_of({"err1": "INVALID_USERNAME_OR_PASSWORD"})
    assert [(c.tag, c.text) for c in keyed] == [("item", "INVALID_USERNAME_OR_PASSWORD")]


def test_array_kind_item_types():
    ret = _return_of(["s", 7, 2.5, 250.0, True, False, None, {"k": "v"}, ["x"]])
    got = [(_attrs(item), item.text) for item in ret]
    assert got[:6] == [
        ([("type", "xsd:string")], "s"), ([("type", "xsd:int")], "7"),
        ([("type", "xsd:float")], "2.5"), ([("type", "xsd:float")], "250"),
        ([("type", "xsd:boolean")], "1"), ([("type", "xsd:boolean")], "0"),
    ]
    assert got[6] == ([("type", "xsd:"), ("nil", "true")], None)
    assert _attrs(ret[7]) == [("type", "xsd:")] and ret[7][0].tag == "k"
    assert _attrs(ret[8]) == [("type", "xsd:")] and ret[8][0].tag == "item"
    assert _attrs(ret[8][0]) == [("type", "xsd:string")]


@pytest.mark.parametrize("value, array_type", [
    (["a", "b"], "xsd:string[2]"), ([1, 2, 3], "xsd:int[3]"), ([1.5], "xsd:double[1]"),
    ([["a"], ["b"]], "SOAP-ENC:Array[2]"), ([{"a": 1}], "unnamed_struct_use_soapval[1]"),
    (["a", 1], "xsd:anyType[2]"), ([], "xsd:anyType[0]"), ({0: "a", 3: "b"}, "xsd:string[2]"),
])
def test_generic_serializer_names_list_types_like_nusoap(value, array_type):
    deep = _return_of([{"deep": value}])[0][0]
    assert _attrs(deep) == [("type", "SOAP-ENC:Array"), ("arrayType", array_type)]
    assert [child.tag for child in deep] == ["item"] * len(value)


def test_generic_serializer_struct_members_and_nil():
    item = _return_of([{"a": None, "b": {"c": "d"}}])[0]
    assert _attrs(item[0]) == [("nil", "true")]
    assert item[1].attrib == {} and item[1][0].tag == "c" and item[1][0].text == "d"


def test_string_kind():
    assert _return_of("closed", "string").text == "closed"
    assert _return_of(True, "string").text == "1"
    assert _return_of(2, "string").text == "2"
    assert _attrs(_return_of(None, "string")) == [("nil", "true"), ("type", "xsd:string")]


def test_array_of_arrays_declares_tns_and_nests_vtiger_arrays():
    xml = build_response("get_KBase_details", "urn:x", [["General"], None, []],
                         "array_of_arrays", host="crm.example.com")
    root = etree.fromstring(xml)
    assert root.nsmap["tns"] == "http://crm.example.com/soap/customerportal"
    ret = root[0][0][0]
    assert _attrs(ret) == [("type", "SOAP-ENC:Array"), ("arrayType", "tns:common_array[3]")]
    assert [_attrs(item) for item in ret] == [
        [("type", "SOAP-ENC:Array"), ("arrayType", ":[1]")],
        [("nil", "true"), ("type", "SOAP-ENC:Array"), ("arrayType", ":[0]")],
        [("type", "SOAP-ENC:Array"), ("arrayType", ":[0]")],
    ]


def test_text_is_escaped_and_control_characters_dropped():
    ret = _return_of(["<b>&\"'\x0b\x1b</b>\ttab"])
    assert ret[0].text == "<b>&\"'</b>\ttab"


@pytest.mark.parametrize("value, text", [(250.0, "250"), (45.5, "45.5"), (0.1 + 0.2, "0.3"),
                                         (1e25, "1.0E+25"), (-3.0, "-3"), (True, "1"),
                                         (False, "")])
def test_php_string_conversion(value, text):
    assert php_string(value) == text


# --- requests ---------------------------------------------------------------------------------

EXPECTED_PARAMS = {
    "get_tickets_list": [{"id": "4", "sessionid": "CNqmhvZdbza7", "user_name": "alice@acme.example",
                          "onlymine": None, "where": "", "match": ""}],
    "get_tickets_list.onlymine_true": [{"id": "4", "sessionid": "LfMbJNzhsMqr",
                                        "user_name": "alice@acme.example", "onlymine": "true",
                                        "where": "", "match": ""}],
    "authenticate_user": ["alice@acme.example", "alice123", "6.0.0"],
    "get_list_values.Invoice": ["4", "Invoice", "CNqmhvZdbza7", None],
    "get_tickets_list.handwritten_soapenc_array": [
        [{"id": "4", "sessionid": "LfMbJNzhsMqr", "onlymine": "false"}]],
    "fault.unknown_operation": [],
    "get_modules.handwritten_vtiger_namespace": [],
}


def _parse_trace(name: str):
    meta = json.loads((TRACES / f"{name}.meta.json").read_text())
    body = (TRACES / f"{name}.request.xml").read_bytes()
    return parse_request(body, meta["request"]["headers"].get("Content-Type"))


@pytest.mark.parametrize("name", sorted(EXPECTED_PARAMS))
def test_request_params_are_decoded_by_position(name):
    assert _parse_trace(name).params == EXPECTED_PARAMS[name]


def test_int_typed_request_member_arrives_as_int():
    params = _parse_trace("add_ticket_attachment").params
    assert params[0]["filesize"] == 28 and params[0]["ticketid"] == "39"


@pytest.mark.parametrize("name", [n for n in _request_traces() if n != "fault.not_xml"])
def test_every_trace_request_parses_to_its_operation(name):
    request = _parse_trace(name)
    real = (TRACES / f"{name}.request.xml").read_bytes()
    operation = etree.fromstring(real)[0][0]
    assert request.operation == etree.QName(operation).localname
    assert request.namespace == etree.QName(operation).namespace
    assert len(request.params) == len(operation)
    assert all(p is None or isinstance(p, (str, int, dict, list)) for p in request.params)


def test_not_xml_is_the_nusoap_parse_fault():
    with pytest.raises(SoapFault) as caught:
        parse_request((TRACES / "fault.not_xml.request.xml").read_bytes(), XML)
    assert caught.value.faultstring == _decoded("fault.not_xml")["fault"]["faultstring"]
    assert caught.value.faultcode == "SOAP-ENV:Client"


@pytest.mark.parametrize("content_type", [None, "application/soap+xml", "text/html"])
def test_wrong_content_type_is_the_empty_operation_fault(content_type):
    body = (TRACES / "authenticate_user.request.xml").read_bytes()
    with pytest.raises(SoapFault) as caught:
        parse_request(body, content_type)
    assert caught.value.faultstring == "Operation '' is not defined in the WSDL for this service"


@pytest.mark.parametrize("encoding, compress", [
    ("gzip", gzip.compress), ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some clients send
])
def test_compressed_requests_are_accepted(encoding, compress):
    body = (TRACES / "authenticate_user.request.xml").read_bytes()
    request = parse_request(compress(body), XML, encoding)
    assert request.operation == "authenticate_user"
    assert request.params == ["alice@acme.example", "alice123", "6.0.0"]


def test_entities_and_dtds_are_refused():
    body = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<x>&e;</x>')
    with pytest.raises(SoapFault) as caught:
        parse_request(body, XML)
    assert caught.value.faultstring.startswith("error in msg parsing:\n")


def test_body_without_operation_gives_empty_operation_name():
    body = (b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<SOAP-ENV:Body/></SOAP-ENV:Envelope>")
    assert parse_request(body, XML).operation == ""


def _decode(xml: str):
    return decode_element(etree.fromstring(
        '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">' + xml + "</r>")[0])


@pytest.mark.parametrize("xml, value", [
    ('<a xsi:type="xsd:int">12abc</a>', 12), ('<a xsi:type="xsd:int">abc</a>', 0),
    ('<a xsi:type="xsd:float">2.5x</a>', 2.5), ('<a xsi:type="xsd:boolean">false</a>', False),
    ('<a xsi:type="xsd:boolean">no</a>', True), ('<a xsi:type="xsd:boolean">0</a>', False),
    ('<a xsi:type="xsd:base64Binary">aGk=</a>', b"hi"), ('<a xsi:nil="true"/>', None),
    ('<a xsi:type="SOAP-ENC:Array"/>', ""), ('<a SOAP-ENC:arrayType="xsd:string[0]"/>', []),
    ("<a><item>x</item></a>", {"item": "x"}), ("<a><item>x</item><item>y</item></a>",
                                              {"item": ["x", "y"]}),
    ('<a SOAP-ENC:arrayType="xsd:int[2]"><i>1</i><i>2</i></a>', [1, 2]),
    ('<a SOAP-ENC:arrayType=":[1]"><i>1</i></a>', ["1"]),
    ('<a foo="bar"><id>1</id></a>', {"id": "1", "!foo": "bar"}),
    ('<a foo="bar">t</a>', {"!foo": "bar", "!": "t"}),
])
def test_nusoap_decoding_rules(xml, value):
    assert _decode(xml) == value
