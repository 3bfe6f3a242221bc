"""The transport: PHP-shaped envelopes, timeouts, proxies, redirects, size caps, offline WSDL."""

from __future__ import annotations

import socket

import pytest
from lxml import etree

from portalclient.crm.errors import CrmError, CrmHttpError, CrmTimeout, CrmUnavailable
from portalclient.crm.settings import CrmSettings
from portalclient.crm.transport import (BINDING, PHP_NSMAP, ResponseTooLarge, SoapChannel,
                                        wsdl_document)
from tests.crm.replay import Canned, replay_server

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@pytest.fixture
def crm():
    with replay_server() as server:
        yield server


def channel(url: str, **overrides) -> SoapChannel:
    return SoapChannel(CrmSettings(server_path=url, **overrides))


def test_wsdl_declares_all_33_operations_rpc_encoded():
    binding = wsdl_document().bindings[BINDING]
    assert len(binding.all()) == 33
    assert "get_cf_field_details" in binding.all() and "updateCount" in binding.all()


def test_struct_call_looks_like_the_php_client(crm):
    crm.queue(Canned(b"<x/>"))
    reply = channel(crm.url).send("get_ticket_creator",
                                  {"id": "4", "sessionid": "S3cr3t", "ticketid": "0"})
    assert (reply.status, reply.body) == (200, b"<x/>")
    sent = crm.last
    assert sent.path == "/vtigerservice.php?service=customerportal"
    assert sent.headers["Content-Type"] == "text/xml; charset=UTF-8"
    envelope = etree.fromstring(sent.body)
    assert envelope.get(f"{{{SOAP_ENV}}}encodingStyle") == SOAP_ENC
    assert dict(envelope.nsmap) == PHP_NSMAP
    operation = envelope.find(f"{{{SOAP_ENV}}}Body")[0]
    assert etree.QName(operation).namespace == "http://www.vtiger.com/products/crm"
    struct = operation[0]
    assert struct.get(f"{{{XSI}}}type") is None
    assert [(c.tag, c.get(f"{{{XSI}}}type"), c.text) for c in struct] == [
        ("id", "xsd:string", "4"), ("sessionid", "xsd:string", "S3cr3t"),
        ("ticketid", "xsd:string", "0")]
    assert sent.operation() == ("get_ticket_creator",
                                [[("xsd:string", "4"), ("xsd:string", "S3cr3t"),
                                  ("xsd:string", "0")]])


def test_scalar_call_keeps_positional_order_and_empty_strings(crm):
    crm.queue(Canned(b"<x/>"))
    channel(crm.url).send("get_filecontent_detail", "33", "", "Documents", "4", "S")
    assert crm.last.operation() == ("get_filecontent_detail", [
        ("xsd:string", "33"), ("xsd:string", ""), ("xsd:string", "Documents"),
        ("xsd:string", "4"), ("xsd:string", "S")])


def test_operation_without_parameters(crm):
    crm.queue(Canned(b"<x/>"))
    channel(crm.url).send("get_modules")
    assert crm.last.operation() == ("get_modules", [])


def test_vtenext_endpoint_script(crm):
    crm.queue(Canned(b"<x/>"))
    channel(crm.url, service_script="vteservice.php").send("show_all", "HelpDesk")
    assert crm.last.path == "/vteservice.php?service=customerportal"


def test_status_and_content_type_are_passed_on_for_the_codec(crm):
    crm.queue(Canned(b"<html>boom</html>", status=500, content_type="text/html"))
    reply = channel(crm.url).send("show_all", "HelpDesk")
    assert (reply.status, reply.content_type, reply.body) == (
        500, "text/html", b"<html>boom</html>")


def test_timeout_maps_to_crm_timeout(crm):
    crm.queue(Canned(b"<x/>", delay=1.5))
    with pytest.raises(CrmTimeout) as caught:
        channel(crm.url, timeout=0.5).send("show_all", "HelpDesk")
    assert caught.value.operation == "show_all"


def test_connection_refused_maps_to_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CrmUnavailable) as caught:
        channel(f"http://127.0.0.1:{port}", timeout=2).send("get_modules")
    assert not isinstance(caught.value, CrmTimeout)
    assert caught.value.operation == "get_modules"


def test_redirect_is_refused_not_followed(crm):
    crm.queue(Canned(b"", status=302, headers=(("Location", "/elsewhere"),)))
    with pytest.raises(CrmHttpError) as caught:
        channel(crm.url).send("get_modules")
    assert caught.value.status == 302
    assert len(crm.requests) == 1


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_answer_is_refused(crm, chunked):
    crm.queue(Canned(b"<x>" + b"A" * 20000 + b"</x>", chunked=chunked))
    with pytest.raises(ResponseTooLarge) as caught:
        channel(crm.url, max_response_bytes=10000).send("get_modules")
    assert isinstance(caught.value, CrmUnavailable)


def test_answer_at_the_cap_is_accepted(crm):
    body = b"<x>" + b"A" * 9993 + b"</x>"
    crm.queue(Canned(body, chunked=True))
    assert channel(crm.url, max_response_bytes=10000).send("get_modules").body == body


def test_proxy_settings_are_applied_to_the_session():
    soap = channel("http://crm.example", proxy_host="proxy.example", proxy_port=3128,
                   proxy_username="me", proxy_password="p@ss", pool_size=7)
    session = soap.transport.session
    expected = "http://me:p%40ss@proxy.example:3128"
    assert session.proxies == {"http": expected, "https": expected}
    assert session.trust_env is False
    assert session.get_adapter("https://crm.example")._pool_maxsize == 7


def test_calls_really_go_through_the_proxy(crm):
    port = int(crm.url.rsplit(":", 1)[1])
    crm.queue(Canned(b"<x/>"))
    channel("http://crm.invalid/crm", proxy_host="127.0.0.1", proxy_port=port,
            proxy_username="u", proxy_password="p w").send("show_all", "HelpDesk")
    assert crm.last.headers["Host"] == "crm.invalid"
    assert crm.last.path == "/crm/vtigerservice.php?service=customerportal"
    assert crm.last.headers["Proxy-Authorization"] == "Basic dTpwIHc="


@pytest.mark.parametrize("url", ["http://evil.example/x.xsd", "file:///etc/passwd"])
def test_remote_documents_are_never_loaded(url):
    with pytest.raises(CrmError):
        channel("http://crm.example").transport.load(url)
