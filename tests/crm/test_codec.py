"""nusoap_parser rules (PROTOCOL 2.3) on small hand-made envelopes, plus framing and safety."""

from __future__ import annotations

import base64
import time

import pytest

from portalclient.crm.codec import as_list, decode_response
from portalclient.crm.errors import CrmHttpError, MalformedResponse, SoapFault

ENVELOPE_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"'
    ' xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body>'
)
ENVELOPE_CLOSE = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def envelope(parts: str, *, method: str = "fooResponse") -> bytes:
    """A nusoap-style response whose method element holds ``parts`` (literal XML)."""
    return (f'{ENVELOPE_OPEN}<ns1:{method} xmlns:ns1="http://crm.example">{parts}'
            f"</ns1:{method}>{ENVELOPE_CLOSE}").encode()


def decode_return(inner: str, attrs: str = "", **kwargs):
    """Decode a single ``<return>`` part with the given attributes and content."""
    return decode_response(envelope(f"<return {attrs}>{inner}</return>"), **kwargs)


ARRAY = 'xsi:type="SOAP-ENC:Array"'


# --- the outcome table at the end of PROTOCOL 2.3 -------------------------------------------

def test_empty_element_with_array_type_is_empty_list():
    assert decode_return("", f'{ARRAY} SOAP-ENC:arrayType=":[0]"') == []


def test_array_without_array_type_and_no_children_is_empty_string():
    assert decode_return("", ARRAY) == ""


def test_one_untyped_item_without_array_type_is_a_struct():
    assert decode_return('<item xsi:type="xsd:">'
                         '<list><item>a</item></list></item>',
                         f'{ARRAY} SOAP-ENC:arrayType=":[1]"') == [{"list": {"item": "a"}}]


def test_two_untyped_items_without_array_type_collect_into_a_list():
    assert decode_return("<item>a</item><item>b</item>") == {"item": ["a", "b"]}


def test_struct_attribute_becomes_bang_key():
    assert decode_return('<id xsi:type="xsd:string">1</id>', 'foo="bar"') == {
        "id": "1", "!foo": "bar"}


def test_base64_binary_decodes_to_bytes():
    encoded = base64.b64encode(b"\x00\xffPDF").decode()
    assert decode_return(encoded, 'xsi:type="xsd:base64Binary"') == b"\x00\xffPDF"
    assert decode_return(encoded, 'xsi:type="SOAP-ENC:base64"') == b"\x00\xffPDF"


def test_base64_is_lenient_like_php():
    # PHP's base64_decode skips foreign characters and missing padding.
    assert decode_return("aGVs\nbG8*", 'xsi:type="xsd:base64Binary"') == b"hello"


def test_nil_is_none():
    assert decode_return("", 'xsi:nil="true" xsi:type="SOAP-ENC:Array" '
                             'SOAP-ENC:arrayType=":[0]"') is None
    assert decode_return("", 'xsi:nil="1"') is None


def test_no_part_is_empty_string():
    assert decode_response(envelope("")) == ""


def test_two_parts_give_dict_by_part_name():
    parts = '<a xsi:type="xsd:string">x</a><b xsi:type="xsd:int">2</b>'
    assert decode_response(envelope(parts)) == {"a": "x", "b": 2}


def test_two_parts_with_the_same_name_collect_into_one_list():
    assert decode_response(envelope("<return>x</return><return>y</return>")) == ["x", "y"]


# --- typed leaves (rule 4) -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("12abc", 12), ("abc", 0), ("", 0), (" 7", 7), ("-3", -3), ("+4", 4),
    ("1e3", 1000), ("2.9", 2), ("99999999999999999999", 2**63 - 1),
])
def test_int_is_php_int_cast(text, expected):
    value = decode_return(text, 'xsi:type="xsd:int"')
    assert value == expected and type(value) is int


@pytest.mark.parametrize("type_name",
                         ["integer", "short", "byte", "unsignedInt", "positiveInteger"])
def test_other_integer_types_cast_too(type_name):
    assert decode_return("5x", f'xsi:type="xsd:{type_name}"') == 5


@pytest.mark.parametrize(("type_name", "text", "expected"), [
    ("float", "45.5", 45.5), ("double", "abc", 0.0), ("decimal", "2.5x", 2.5),
    ("float", "40", 40.0),
])
def test_float_family(type_name, text, expected):
    value = decode_return(text, f'xsi:type="xsd:{type_name}"')
    assert value == expected and type(value) is float


@pytest.mark.parametrize(("text", "expected"), [
    ("false", False), ("FALSE", False), ("f", False), ("F", False), ("0", False), ("", False),
    ("true", True), ("1", True), ("no", True), ("yes", True),
])
def test_boolean_rules(text, expected):
    assert decode_return(text, 'xsi:type="xsd:boolean"') is expected


@pytest.mark.parametrize("type_attr", ['xsi:type="xsd:string"', 'xsi:type="xsd:long"',
                                       'xsi:type="xsd:unsignedLong"', 'xsi:type="xsd:"',
                                       'xsi:type="SOAP-ENC:Struct"', 'xsi:type="tns:whatever"',
                                       ARRAY, ""])
def test_string_like_types_keep_text(type_attr):
    assert decode_return("0042 &amp; more", type_attr) == "0042 & more"


def test_lowercase_array_type_leaf_is_empty_list():
    assert decode_return("ignored", 'xsi:type="xsd:array"') == []


def test_whitespace_is_kept_in_leaves():
    assert decode_return("  two\n lines ", 'xsi:type="xsd:string"') == "  two\n lines "


# --- arrays, structs and inheritance (rules 2 and 5) ------------------------------------------

def test_untyped_children_inherit_the_array_item_type():
    value = decode_return("<item>1</item><item>2x</item><item>abc</item>",
                          f'{ARRAY} SOAP-ENC:arrayType="xsd:int[3]"')
    assert value == [1, 2, 0] and all(type(v) is int for v in value)


def test_vtiger_item_type_does_not_inherit():
    assert decode_return("<item>1</item><item>2</item>",
                         f'{ARRAY} SOAP-ENC:arrayType=":[2]"') == ["1", "2"]


def test_own_type_wins_over_inherited():
    assert decode_return('<item xsi:type="xsd:string">1</item><item>2</item>',
                         f'{ARRAY} SOAP-ENC:arrayType="xsd:int[2]"') == ["1", 2]


def test_type_local_name_array_makes_a_list_without_array_type():
    assert decode_return("<a>x</a><b>y</b>", ARRAY) == ["x", "y"]


def test_array_type_attribute_alone_makes_a_list():
    assert decode_return("<a>x</a><b>y</b>", 'SOAP-ENC:arrayType="unnamed_struct_use_soapval[2]"'
                         ) == ["x", "y"]


def test_two_dimensional_array_gives_rows():
    cells = "".join(f"<item>{n}</item>" for n in range(6))
    assert decode_return(cells, f'{ARRAY} SOAP-ENC:arrayType="xsd:int[2,3]"') == [
        [0, 1, 2], [3, 4, 5]]


def test_repeated_name_after_a_list_appends_to_that_list():
    inner = (f'<a {ARRAY} SOAP-ENC:arrayType="xsd:string[2]"><item>1</item><item>2</item></a>'
             "<a>3</a>")
    assert decode_return(inner) == {"a": ["1", "2", "3"]}


def test_repeated_name_after_an_empty_list_wraps_it():
    inner = f'<a {ARRAY} SOAP-ENC:arrayType="xsd:string[0]"/><a>3</a>'
    assert decode_return(inner) == {"a": [[], "3"]}


def test_repeated_name_after_a_struct_wraps_it():
    inner = "<a><x>1</x></a><a><x>2</x></a><a><x>3</x></a>"
    assert decode_return(inner) == {"a": [{"x": "1"}, {"x": "2"}, {"x": "3"}]}


def test_repeated_name_after_nil_rewraps_like_php():
    # isset($a[0]) is false for a null first entry, so nusoap wraps again on the third one.
    inner = '<a xsi:nil="true"/><a>2</a><a>3</a>'
    assert decode_return(inner) == {"a": [[None, "2"], "3"]}


def test_struct_keys_are_local_names_in_document_order():
    inner = '<p:b xmlns:p="urn:p">1</p:b><a>2</a>'
    value = decode_return(inner)
    assert list(value) == ["b", "a"] and value == {"b": "1", "a": "2"}


def test_many_repeated_names_decode_in_linear_time():
    inner = "<item>x</item>" * 50_000
    started = time.perf_counter()
    value = decode_return(inner)
    assert len(value["item"]) == 50_000
    assert time.perf_counter() - started < 5


# --- attributes, nil and mixed text (rules 1-3) -----------------------------------------------

def test_leaf_with_extra_attribute_gives_bang_dict():
    assert decode_return("42", 'xsi:type="xsd:int" id="r1"') == {"!id": "r1", "!": 42}


def test_leaf_with_extra_attribute_and_blank_text_has_no_bang_text():
    assert decode_return("  ", 'lang="de"') == {"!lang": "de"}


def test_nil_with_extra_attributes():
    assert decode_return("", 'xsi:nil="true" foo="bar"') == {"!foo": "bar", "!": None}


def test_nil_is_ignored_when_there_are_children():
    assert decode_return("<a>1</a>", 'xsi:nil="true"') == {"a": "1"}


def test_prefixed_extra_attribute_keeps_its_prefix():
    assert decode_return("<a>1</a>", 'xmlns:q="urn:q" q:foo="bar"') == {"a": "1", "!q:foo": "bar"}


def test_ignored_attributes_do_not_show_up():
    attrs = 'SOAP-ENV:encodingStyle="x" SOAP-ENC:root="1" xmlns:z="urn:z"'
    assert decode_return("<a>1</a>", attrs) == {"a": "1"}


def test_mixed_text_is_stored_under_bang():
    assert decode_return("hello <a>1</a> world") == {"a": "1", "!": "hello  world"}


def test_array_with_extra_attribute_becomes_int_keyed_dict():
    assert decode_return("<item>x</item><item>y</item>",
                         f'{ARRAY} SOAP-ENC:arrayType="xsd:string[2]" foo="bar"') == {
        0: "x", 1: "y", "!foo": "bar"}


def test_multiref_href_resolves_to_the_referenced_element():
    parts = '<return href="#r1"/>'
    body = envelope(parts).replace(
        ENVELOPE_CLOSE.encode(), b'<multiRef id="r1"><a>1</a></multiRef>' + ENVELOPE_CLOSE.encode())
    assert decode_response(body) == {"a": "1", "!id": "r1"}


# --- faults and framing -----------------------------------------------------------------------

FAULT = (f'{ENVELOPE_OPEN}<SOAP-ENV:Fault><faultcode xsi:type="xsd:string">SOAP-ENV:Client'
         '</faultcode><faultactor xsi:type="xsd:string"></faultactor><faultstring '
         'xsi:type="xsd:string">Operation &apos;x&apos; is not defined</faultstring>'
         f'<detail xsi:type="xsd:string">d</detail></SOAP-ENV:Fault>{ENVELOPE_CLOSE}').encode()


def test_fault_raises_soap_fault_with_fields():
    with pytest.raises(SoapFault) as caught:
        decode_response(FAULT, status=500, operation="x")
    fault = caught.value
    assert (fault.faultcode, fault.faultstring, fault.faultactor, fault.detail) == (
        "SOAP-ENV:Client", "Operation 'x' is not defined", "", "d")
    assert fault.operation == "x"
    assert str(fault) == "SOAP-ENV:Client: Operation 'x' is not defined"


def test_fault_under_an_unusual_status_is_still_a_fault():
    with pytest.raises(SoapFault):
        decode_response(FAULT, status=503)


def test_other_status_without_soap_is_http_error():
    with pytest.raises(CrmHttpError) as caught:
        decode_response(b"<html>Not Found</html>", status=404, content_type="text/html",
                        operation="get_modules")
    assert caught.value.status == 404 and caught.value.operation == "get_modules"


def test_other_status_with_a_normal_answer_is_still_http_error():
    with pytest.raises(CrmHttpError) as caught:
        decode_response(envelope("<return>x</return>"), status=302)
    assert caught.value.status == 302


def test_empty_body_with_500_is_malformed():
    with pytest.raises(MalformedResponse) as caught:
        decode_response(b"", status=500, content_type="text/html; charset=UTF-8", operation="op")
    assert caught.value.operation == "op"


def test_html_content_type_is_malformed():
    with pytest.raises(MalformedResponse, match="text/html"):
        decode_response(b"<html><body>Fatal error</body></html>", content_type="text/html")


def test_corebos_service_not_active_is_malformed():
    for content_type in ("text/html; charset=UTF-8", "text/xml"):
        with pytest.raises(MalformedResponse):
            decode_response(b"SOAP - Service is not active", content_type=content_type)


@pytest.mark.parametrize("body", [
    b"<not-closed>", b"<?xml version='1.0'?><a>1</a>",
    b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header/></S:Envelope>',
])
def test_garbage_non_envelope_or_no_body_is_malformed(body):
    with pytest.raises(MalformedResponse):
        decode_response(body)


def test_max_bytes_is_enforced():
    body = envelope("<return>x</return>")
    assert decode_response(body, max_bytes=len(body)) == "x"
    with pytest.raises(MalformedResponse, match="limit"):
        decode_response(body, max_bytes=len(body) - 1, operation="get_pdf")


def test_control_characters_are_stripped_and_parsing_retried():
    body = envelope('<return xsi:type="xsd:string">tab\x0bbed\x1b text</return>')
    assert decode_response(body) == "tabbed text"


def test_still_broken_after_stripping_is_malformed():
    with pytest.raises(MalformedResponse):
        decode_response(envelope("<return>\x0b<broken</return>"))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
<r><return>&lol3;</return></r></SOAP-ENV:Body></SOAP-ENV:Envelope>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
<r><return>&x;</return></r></SOAP-ENV:Body></SOAP-ENV:Envelope>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, BILLION_LAUGHS.decode().encode("utf-16")])
def test_doctype_is_rejected(body):
    with pytest.raises(MalformedResponse, match="DOCTYPE"):
        decode_response(body)


def test_deep_nesting_is_malformed_not_a_crash():
    inner = "<a>" * 1000 + "x" + "</a>" * 1000
    with pytest.raises(MalformedResponse):
        decode_return(inner)


def test_five_megabyte_base64_decodes_fast():
    payload = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    body = envelope(f'<return xsi:type="xsd:base64Binary">{base64.b64encode(payload).decode()}'
                    "</return>")
    assert len(body) > 6_000_000
    started = time.perf_counter()
    value = decode_response(body)
    assert time.perf_counter() - started < 5
    assert len(value) == 5 * 1024 * 1024 and value == payload


def test_five_megabyte_base64_text_stays_text():
    text = base64.b64encode(b"x" * 5 * 1024 * 1024).decode()
    value = decode_return(f'<item xsi:type="xsd:string">{text}</item>',
                          f'{ARRAY} SOAP-ENC:arrayType=":[1]"')
    assert len(value) == 1 and len(value[0]) == len(text)


# --- charsets (end of PROTOCOL 2.3) -----------------------------------------------------------

def test_utf8_passes_unchanged():
    assert decode_return("€ ü Ж", 'xsi:type="xsd:string"') == "€ ü Ж"


def test_latin1_http_with_utf8_declaration_loses_non_latin1_characters():
    value = decode_return("€ ü Ж", 'xsi:type="xsd:string"',
                          content_type="text/xml; charset=ISO-8859-1")
    assert value == "? ü ?"


def test_missing_http_charset_means_latin1():
    assert decode_return("€ü", content_type="text/xml") == "?ü"


def test_unsupported_http_charset_means_ascii_and_mismatch_fails():
    with pytest.raises(MalformedResponse, match="does not match"):
        decode_return("ü", content_type="text/xml; charset=windows-1252")


def test_http_utf8_against_latin1_declaration_fails():
    body = envelope("<return>\xfc</return>".encode("latin-1").decode("latin-1")).replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    with pytest.raises(MalformedResponse, match="does not match"):
        decode_response(body)


def test_latin1_everywhere_decodes_latin1():
    body = (ENVELOPE_OPEN.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
            + "<r><return>gr\xfc\xdf</return></r>" + ENVELOPE_CLOSE).encode("latin-1")
    assert decode_response(body, content_type="text/xml; charset=iso-8859-1") == "grüß"


def test_unknown_content_type_skips_charset_checks():
    assert decode_return("€", content_type=None) == "€"


# --- as_list (PROTOCOL 2.4) -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (None, []), ("", []), ({"item": "a"}, ["a"]), ({"item": ["a", "b"]}, ["a", "b"]),
    (["x"], ["x"]), ([], []), ("x", ["x"]), ({"a": 1}, [{"a": 1}]), (0, [0]),
    ({"item": {"q": "1"}}, [{"q": "1"}]),
])
def test_as_list(value, expected):
    assert as_list(value) == expected
