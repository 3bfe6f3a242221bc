"""The stub CRM over real HTTP: replayed PHP-portal requests, faults, WSDL, index, compression."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from lxml import etree

import crm_stub.operations  # noqa: F401  (registers every operation that exists so far)
from crm_stub import build_app, create_app
from crm_stub.context import StubContext
from crm_stub.operations.registry import OPERATIONS, operation
from crm_stub.soap.decode import decode_element
from crm_stub.soap.request import MAX_REQUEST_BYTES
from tests.servers import free_port, serve_wsgi

TRACES = Path(__file__).resolve().parent.parent / "crm" / "traces"
ENDPOINT = "/vtigerservice.php?service=customerportal"
XML_HEADERS = {"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": '""'}
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ENC = "http://schemas.xmlsoap.org/soap/encoding/"
#: The request headers the PHP portal (nusoap client) sends, replayed verbatim.
REPLAYED_HEADERS = ("User-Agent", "Content-Type", "SOAPAction", "Soapaction")


def _meta(name: str) -> dict:
    return json.loads((TRACES / f"{name}.meta.json").read_text())


def _trace_operation(name: str) -> str | None:
    try:
        root = etree.fromstring((TRACES / f"{name}.request.xml").read_bytes())
    except etree.XMLSyntaxError:
        return None
    return etree.QName(root[0][0]).localname


def _replayable_traces() -> list[str]:
    """Traces of calls the real CRM answered normally (200); faults are tested one by one."""
    names = sorted(p.name[: -len(".request.xml")] for p in TRACES.glob("*.request.xml"))
    return [n for n in names if _meta(n)["response"]["status"] == 200]


def _replay(base_url: str, name: str, path: str = ENDPOINT) -> requests.Response:
    headers = {k: v for k, v in _meta(name)["request"]["headers"].items() if k in REPLAYED_HEADERS}
    headers["Accept-Encoding"] = None  # like nusoap: no compression asked for (requests asks)
    body = (TRACES / f"{name}.request.xml").read_bytes()
    return requests.post(base_url + path, data=body, headers=headers, timeout=30)


def _part(response: requests.Response) -> etree._Element:
    """The ``{op}Response`` element of a SOAP answer."""
    return etree.fromstring(response.content)[0][0]


def _canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def _envelope(operation_xml: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
        f'xmlns:SOAP-ENV="{SOAP_ENV}" xmlns:xsi="{XSI}" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:SOAP-ENC="{ENC}"><SOAP-ENV:Body>{operation_xml}</SOAP-ENV:Body>'
        "</SOAP-ENV:Envelope>"
    ).encode()


@pytest.fixture(scope="module")
def replay_server(tmp_path_factory):
    """A private stub: replayed calls (logins, password mails) must not disturb other tests."""
    with serve_wsgi(create_app(tmp_path_factory.mktemp("replay"), testing=True)) as url:
        yield url


@pytest.fixture(scope="module")
def wire_ops():
    """Tiny operations that exercise the pipeline independently of the store."""
    names = ["_wire_echo", "_wire_boom", "_wire_big", "_wire_text", "_wire_two"]

    @operation("_wire_echo", returns="array", required=0)
    def echo(ctx, first="default-1", second="default-2", *rest):
        return [first, second, len(rest)]

    @operation("_wire_boom", returns="string", required=0)
    def boom(ctx, *params):
        raise RuntimeError("secret internal detail")

    @operation("_wire_big", returns="array", required=0)
    def big(ctx, *params):
        return ["x" * 100] * 50

    @operation("_wire_text", returns="string", required=0)
    def text(ctx, *params):
        return "closed"

    @operation("_wire_two", returns="string", required=2)
    def two(ctx, a, b):
        return a + b

    yield names
    for name in names:
        OPERATIONS.pop(name, None)


def _call(base_url: str, op_xml: str, **headers) -> requests.Response:
    return requests.post(base_url + ENDPOINT, data=_envelope(op_xml),
                         headers={**XML_HEADERS, **headers}, timeout=30)


def _return_value(response: requests.Response):
    return decode_element(_part(response)[0])


# --- replaying the real PHP portal's requests --------------------------------------------------

@pytest.mark.parametrize("name", _replayable_traces())
def test_replayed_portal_request_gets_the_real_response_shape(replay_server, name):
    operation_name = _trace_operation(name)
    if operation_name not in OPERATIONS:
        pytest.skip(f"operation {operation_name} is not implemented in crm_stub yet")
    response = _replay(replay_server, name)
    real = etree.fromstring((TRACES / f"{name}.response.xml").read_bytes())[0][0]
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert response.headers["Server"] == "NuSOAP Server v0.9.5"
    assert response.headers["X-SOAP-Server"] == "NuSOAP/0.9.5 (1.123)"
    assert int(response.headers["Content-Length"]) == len(response.content)
    part = _part(response)
    assert part.tag == real.tag
    assert [child.tag for child in part] == ["return"]
    assert part[0].get(f"{{{XSI}}}type") == real[0].get(f"{{{XSI}}}type")
    ours, theirs = part[0].get(f"{{{ENC}}}arrayType"), real[0].get(f"{{{ENC}}}arrayType")
    assert (ours or "").partition("[")[0] == (theirs or "").partition("[")[0]


def test_replayed_login_answers_with_alice_and_a_fresh_session(replay_server):
    if "authenticate_user" not in OPERATIONS:
        pytest.skip("authenticate_user is not implemented in crm_stub yet")
    value = _return_value(_replay(replay_server, "authenticate_user"))
    assert value[0]["id"] == "4"
    assert value[0]["user_name"] == "alice@acme.example"
    assert value[0]["user_password"] == "alice123"
    assert value[0]["sessionid"] not in ("", "CNqmhvZdbza7")


@pytest.mark.parametrize("name", ["fault.unknown_operation", "fault.not_xml",
                                  "get_cf_field_details.unimplemented",
                                  "get_product_urllist.unimplemented"])
def test_faults_are_the_real_faults(stub_server, name):
    response = _replay(stub_server, name)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert response.headers["Server"] == "NuSOAP Server v0.9.5"
    real = (TRACES / f"{name}.response.xml").read_bytes()
    assert _canonical(response.content) == _canonical(real)


@pytest.mark.parametrize("content_type", ["application/soap+xml; charset=UTF-8", "text/plain"])
def test_wrong_content_type_is_the_empty_operation_fault(stub_server, content_type):
    body = (TRACES / "get_modules.request.xml").read_bytes()
    response = requests.post(stub_server + ENDPOINT, data=body,
                             headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == 500
    fault = _part(response)
    assert fault.findtext("faultstring") == (
        "Operation '' is not defined in the WSDL for this service")
    assert fault.findtext("faultcode") == "SOAP-ENV:Client"


# --- the pipeline with test operations ---------------------------------------------------------

def test_params_arrive_by_position_with_defaults_and_extras(stub_server, wire_ops):
    none = _return_value(_call(stub_server, "<ns1:_wire_echo xmlns:ns1='urn:t'/>"))
    assert none == ["default-1", "default-2", 0]
    three = _call(stub_server, '<_wire_echo><z xsi:type="xsd:int">7</z><a xsi:nil="true"/>'
                               '<b>x</b></_wire_echo>')
    assert _return_value(three) == [7, None, 1]


def test_unqualified_operation_is_answered_in_the_envelope_namespace(stub_server, wire_ops):
    response = _call(stub_server, "<_wire_text/>")
    part = _part(response)
    assert part.tag == f"{{{SOAP_ENV}}}_wire_textResponse"
    assert part.prefix == "ns1"
    assert part[0].text == "closed"


def test_namespace_of_the_request_is_echoed(stub_server, wire_ops):
    response = _call(stub_server, '<ns4711:_wire_text xmlns:ns4711="http://tempuri.org"/>')
    assert _part(response).tag == "{http://tempuri.org}_wire_textResponse"


def test_too_few_params_is_a_fault(stub_server, wire_ops):
    response = _call(stub_server, "<_wire_two><a>1</a></_wire_two>")
    assert response.status_code == 500
    assert _part(response).findtext("faultstring") == (
        "Too few arguments to function _wire_two(): 1 passed and at least 2 expected")


def test_failing_operation_is_a_server_fault_without_internals(stub_server, wire_ops, caplog):
    with caplog.at_level(logging.ERROR, logger="crm_stub.soap.dispatch"):
        response = _call(stub_server, "<_wire_boom/>")
    assert response.status_code == 500
    fault = _part(response)
    assert fault.findtext("faultcode") == "SOAP-ENV:Server"
    assert fault.findtext("faultstring") == "Internal error in the CRM while running '_wire_boom'"
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content
    failure = [r for r in caplog.records if r.name == "crm_stub.soap.dispatch"]
    assert failure and failure[0].exc_info[0] is RuntimeError


def test_calls_are_logged_without_params(stub_server, wire_ops, caplog):
    with caplog.at_level(logging.INFO, logger="crm_stub.soap.dispatch"):
        _call(stub_server, "<_wire_echo><password>hunter2-secret</password></_wire_echo>")
    lines = [r.getMessage() for r in caplog.records if r.name == "crm_stub.soap.dispatch"]
    assert any(line.startswith("soap _wire_echo -> 200 in ") for line in lines)
    assert "hunter2-secret" not in caplog.text


def test_large_responses_are_gzipped_when_accepted(stub_server, wire_ops):
    big = _call(stub_server, "<_wire_big/>", **{"Accept-Encoding": "gzip"})
    assert big.headers["Content-Encoding"] == "gzip"
    assert int(big.headers["Content-Length"]) < len(big.content)
    assert _return_value(big) == ["x" * 100] * 50
    small = _call(stub_server, "<_wire_text/>", **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
    plain = _call(stub_server, "<_wire_big/>", **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers


def test_gzip_compressed_request_is_accepted(stub_server, wire_ops):
    response = requests.post(
        stub_server + ENDPOINT, data=gzip.compress(_envelope("<_wire_text/>")),
        headers={**XML_HEADERS, "Content-Encoding": "gzip"}, timeout=30)
    assert response.status_code == 200
    assert _part(response)[0].text == "closed"


def test_endpoint_under_a_sub_path(stub_server, wire_ops):
    response = requests.post(stub_server + "/crm/vtiger/vtigerservice.php?service=customerportal",
                             data=_envelope("<_wire_text/>"), headers=XML_HEADERS, timeout=30)
    assert response.status_code == 200
    assert _part(response)[0].text == "closed"


def test_oversized_request_is_refused_with_a_fault_before_it_is_read(tmp_path, wire_ops):
    app = build_app(StubContext(store=None, data_dir=tmp_path))
    assert app.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES
    app.config["MAX_CONTENT_LENGTH"] = 2000
    padding = "<p>" + "x" * 3000 + "</p>"
    with serve_wsgi(app) as base_url:
        small = _call(base_url, "<_wire_text/>")
        big = _call(base_url, f"<_wire_text>{padding}</_wire_text>")
    assert small.status_code == 200
    assert big.status_code == 500
    assert _part(big).findtext("faultstring") == (
        "error in msg parsing:\nrequest larger than 2000 bytes")


# --- GET, WSDL and other services --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/vtigerservice.php", "/crm/vtigerservice.php"])
def test_wsdl_points_at_this_server(stub_server, path):
    pytest.importorskip("portalclient.crm")
    response = requests.get(f"{stub_server}{path}?service=customerportal&wsdl", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    wsdl = etree.fromstring(response.content)
    assert etree.QName(wsdl).localname == "definitions"
    locations = [a.get("location") for a in wsdl.iter("{*}address")]
    assert locations == [f"{stub_server}{path}?service=customerportal"]
    operations = {op.get("name") for op in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/}operation")}
    assert {"authenticate_user", "get_tickets_list", "get_KBase_details"} <= operations


def test_plain_get_is_a_description_page(stub_server):
    response = requests.get(stub_server + ENDPOINT, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "customerportal" in response.text and "wsdl" in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_without_service_is_the_index_page(stub_server, method):
    response = requests.request(method, stub_server + "/vtigerservice.php", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "vtiger CRM web services" in response.text


def test_other_service_is_not_configured(stub_server):
    response = requests.post(stub_server + "/vtigerservice.php?service=<b>x</b>", timeout=30)
    assert response.status_code == 200
    assert response.text == "No Service Configured for <b>x</b>"
    assert response.headers["Content-Type"].startswith("text/plain")


# --- the crm-stub command ----------------------------------------------------------------------

def test_demo_users_prints_email_and_password_per_line(tmp_path, capsys):
    from crm_stub.cli import main

    assert main(["demo-users", "--data", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line.split(" ")) == 2 for line in lines)
    assert lines[0].split(" ")[0] == "alice@acme.example"


def test_serve_command_answers_soap_calls(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "crm_stub.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--data", str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as process:
        try:
            banner = process.stdout.readline().strip()
            response = _wait_for_soap(f"http://127.0.0.1:{port}", "fault.unknown_operation")
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert banner == f"stub CRM: http://127.0.0.1:{port}/vtigerservice.php?service=customerportal"
    assert response.status_code == 500
    assert response.headers["Server"] == "NuSOAP Server v0.9.5"
    assert _part(response).findtext("faultstring").startswith("Operation 'no_such_operation'")
    assert (tmp_path / "crm.sqlite3").exists()


def test_served_password_mail_links_to_the_served_set_password_page(tmp_path):
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CRM_STUB_")}
    command = [sys.executable, "-m", "crm_stub.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--data", str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=environ) as process:
        try:
            answer = _wait_for_soap(f"http://127.0.0.1:{port}",
                                    "send_mail_for_password.known_user_no_mailserver")
            [eml] = (tmp_path / "outbox").glob("*.eml")
            text = message_from_bytes(eml.read_bytes(), policy=policy.default)
            link = re.search(r"\S+token=\S+", text.get_body(("plain",)).get_content()).group()
            page = requests.get(link, timeout=10)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert answer.status_code == 200 and text["To"] == "bob@acme.example"
    assert link.startswith(f"http://127.0.0.1:{port}/portal/set-password?token=")
    assert page.status_code == 200 and "bob@acme.example" in page.text


def _wait_for_soap(base_url: str, trace: str) -> requests.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return _replay(base_url, trace)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
