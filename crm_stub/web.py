"""HTTP face of the stub CRM: ``vtigerservice.php`` with the real server's routing and headers."""

from __future__ import annotations

import gzip
import importlib.resources
import logging
import zlib
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request
from lxml import etree

from crm_stub.soap.dispatch import timed_handle_soap
from crm_stub.soap.request import MAX_REQUEST_BYTES
from crm_stub.soap.response import build_fault

log = logging.getLogger(__name__)

bp = Blueprint("vtigerservice", __name__)

SERVICE = "customerportal"
#: Responses bigger than this are compressed when the client accepts it (as nusoap does).
COMPRESS_ABOVE = 1024
NUSOAP_HEADERS = {"Server": "NuSOAP Server v0.9.5", "X-SOAP-Server": "NuSOAP/0.9.5 (1.123)"}
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/soap/"

INDEX_PAGE = (
    "<html><head><title>vtiger CRM web services</title></head><body>"
    "<h1>vtiger CRM web services (stub)</h1>"
    "<p>Customer portal: <code>vtigerservice.php?service=customerportal</code></p>"
    "</body></html>"
)
DESCRIPTION_PAGE = (
    "<html><head><title>customerportal</title></head><body>"
    "<h1>customerportal</h1><p>View the <a href=\"?service=customerportal&amp;wsdl\">WSDL</a>"
    " for the service. Click on an operation name to view its details.</p></body></html>"
)


def _context():
    return current_app.extensions["crm_stub"]


def _service_url() -> str:
    """This server's endpoint URL, as clients reached it."""
    return f"{request.base_url}?service={SERVICE}"


@lru_cache(maxsize=1)
def _shipped_wsdl() -> bytes:
    resource = importlib.resources.files("portalclient.crm") / "wsdl" / "customerportal.wsdl"
    return resource.read_bytes()


def wsdl_for(location: str) -> bytes:
    """The portal package's corrected WSDL with ``soap:address`` pointing at ``location``."""
    root = etree.fromstring(_shipped_wsdl(), etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    for address in root.iter(f"{{{WSDL_NS}}}address"):
        address.set("location", location)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _compress(response: Response) -> Response:
    """gzip/deflate the body if the client accepts it and it is larger than 1 KiB."""
    accepted = request.headers.get("Accept-Encoding", "").lower()
    body = response.get_data()
    if len(body) <= COMPRESS_ABOVE:
        return response
    if "gzip" in accepted:
        response.set_data(gzip.compress(body))
        response.headers["Content-Encoding"] = "gzip"
    elif "deflate" in accepted:
        response.set_data(zlib.compress(body))
        response.headers["Content-Encoding"] = "deflate"
    return response


def _xml_response(body: bytes, status: int = 200) -> Response:
    response = Response(body, status=status, content_type=XML_CONTENT_TYPE)
    response.headers.update(NUSOAP_HEADERS)
    return _compress(response)


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=status, content_type="text/html; charset=UTF-8")


@bp.record_once
def _cap_request_size(state) -> None:
    """Bodies over the cap are refused before they are read (answered by ``_too_large``)."""
    if state.app.config.get("MAX_CONTENT_LENGTH") is None:
        state.app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES


@bp.app_errorhandler(413)
def _too_large(error) -> Response:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    fault = build_fault(f"error in msg parsing:\nrequest larger than {limit} bytes")
    return _xml_response(fault, 500)


def _soap_call() -> Response:
    reply = timed_handle_soap(
        _context(), request.get_data(cache=False),
        content_type=request.headers.get("Content-Type"),
        content_encoding=request.headers.get("Content-Encoding"),
        host=urlsplit(request.host_url).hostname or "localhost",
    )
    return _xml_response(reply.body, reply.status)


def _customerportal() -> Response:
    if request.method == "POST":
        return _soap_call()
    if "wsdl" in request.query_string.decode("latin-1").lower():
        return _xml_response(wsdl_for(_service_url()))
    return _html(DESCRIPTION_PAGE)


@bp.route("/vtigerservice.php", methods=["GET", "POST"])
@bp.route("/<path:prefix>/vtigerservice.php", methods=["GET", "POST"])
def vtigerservice(prefix: str | None = None) -> Response:
    """Route like vtiger's vtigerservice.php: by the ``service`` query parameter."""
    service = request.args.get("service")
    if service == SERVICE:
        return _customerportal()
    if service:
        # text/plain: the service name is echoed back and must not become markup.
        return Response(f"No Service Configured for {service}",
                        content_type="text/plain; charset=UTF-8")
    return _html(INDEX_PAGE)
