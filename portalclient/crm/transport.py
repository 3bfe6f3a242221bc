"""zeep wired to one CRM endpoint: builds PHP-portal-shaped requests, returns raw HTTP replies.

zeep builds the request from our corrected WSDL (``wsdl/customerportal.wsdl``); it never parses
an answer (``raw_response``), because nusoap's SOAP-ENC answers are decoded by ``codec``. This
module only moves bytes: timeouts, proxies, redirects, size caps and the error mapping of
requests' exceptions onto the CRM error tree. It never logs a request or response body.
"""

from __future__ import annotations

import functools
import http.cookiejar
import logging
import time
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

import requests
import urllib3
import zeep
from lxml import etree
from requests.adapters import HTTPAdapter
from zeep.wsdl import Document

from .errors import CrmError, CrmHttpError, CrmTimeout, CrmUnavailable, MalformedResponse
from .settings import CrmSettings

log = logging.getLogger(__name__)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: The prefixes the PHP nusoap client declares on every envelope.
PHP_NSMAP = {"SOAP-ENV": SOAP_ENV, "xsd": XSD, "xsi": XSI, "SOAP-ENC": SOAP_ENC}
BINDING = "{urn:portalclient:customerportal}customerportalBinding"
CONTENT_TYPE = "text/xml; charset=UTF-8"
USER_AGENT = "portalclient (NuSOAP-compatible customer portal client)"


class ResponseTooLarge(MalformedResponse):
    """The CRM's answer exceeded ``max_response_bytes``; we stopped reading it."""


@dataclass(frozen=True)
class RawReply:
    """One HTTP answer of the CRM, read completely, not yet decoded."""

    status: int
    content_type: str
    body: bytes


class PhpEnvelopePlugin(zeep.Plugin):
    """Make zeep's envelope look like the PHP nusoap client's (PROTOCOL 1.3, 2.1, 6.3).

    Every scalar leaf gets ``xsi:type="xsd:string"`` (ids and session ids too: a boolean-typed
    session id is the type-juggling bypass we must never send); structs stay untyped.
    """

    def egress(self, envelope, http_headers, operation, binding_options):
        http_headers["Content-Type"] = CONTENT_TYPE
        return php_envelope(envelope), http_headers


def php_envelope(envelope: etree._Element) -> etree._Element:
    """Rebuild ``envelope`` with nusoap's prefixes, encodingStyle and string-typed leaves."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=PHP_NSMAP)
    root.set(f"{{{SOAP_ENV}}}encodingStyle", SOAP_ENC)
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    old_body = envelope.find(f"{{{SOAP_ENV}}}Body")
    for operation in list(old_body if old_body is not None else ()):
        for element in operation.iterdescendants():
            _type_leaf(element)
        body.append(operation)
    return root


def _type_leaf(element: etree._Element) -> None:
    """Type a childless element as xsd:string unless it is nil or already typed."""
    if len(element) or element.get(f"{{{XSI}}}nil") is not None:
        return
    element.set(f"{{{XSI}}}type", "xsd:string")


def operation_name(envelope: etree._Element) -> str:
    """The local name of the operation element in ``envelope``'s Body."""
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    if body is None or not len(body):
        return ""
    return etree.QName(body[0]).localname


class CrmTransport(zeep.Transport):
    """POSTs one envelope with a timeout, no redirects, a size cap and mapped errors."""

    def __init__(self, settings: CrmSettings, session: requests.Session | None = None) -> None:
        super().__init__(timeout=settings.timeout, operation_timeout=settings.timeout,
                         session=session or build_session(settings))
        self.session.headers["User-Agent"] = USER_AGENT
        self._max_bytes = settings.max_response_bytes

    def load(self, url):
        """Refuse every document but a local file: the WSDL is shipped, nothing is fetched."""
        return _load_local(url)

    def post_xml(self, address, envelope, headers):
        body = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        return self.send(address, body, headers, operation=operation_name(envelope))

    def post(self, address, message, headers):
        return self.send(address, message, headers)

    def send(self, address: str, body: bytes, headers: dict, *, operation: str = "") -> RawReply:
        """POST ``body`` to ``address`` and read the whole answer, or raise a CrmError."""
        started = time.monotonic()
        try:
            reply = self._exchange(address, body, headers, operation)
        except requests.Timeout as exc:
            raise CrmTimeout(f"no answer within {self.operation_timeout}s",
                             operation=operation) from exc
        except requests.RequestException as exc:
            raise _connection_error(exc, operation) from exc
        log.debug("%s: HTTP %s, %d bytes in %.2fs", operation or "POST", reply.status,
                  len(reply.body), time.monotonic() - started)
        return reply

    def _exchange(self, address: str, body: bytes, headers: dict, operation: str) -> RawReply:
        timeout = (self.operation_timeout, self.operation_timeout)
        with self.session.post(address, data=body, headers=headers, timeout=timeout,
                               allow_redirects=False, stream=True) as response:
            if response.is_redirect or 300 <= response.status_code < 400:
                raise CrmHttpError(
                    f"the CRM redirects (HTTP {response.status_code}); check the server path",
                    status=response.status_code, operation=operation)
            content = _read_capped(response, self._max_bytes, operation)
            return RawReply(response.status_code, response.headers.get("Content-Type", ""),
                            content)


def _read_capped(response: requests.Response, max_bytes: int, operation: str) -> bytes:
    """Read the body, refusing (and dropping the connection) beyond ``max_bytes``.

    One read of at most ``max_bytes + 1`` decoded bytes from urllib3: the same cap as reading
    in chunks, without requests' chunk generator (a tenth of a call's CPU on small answers).
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"answer of {declared} bytes exceeds {max_bytes}",
                               operation=operation)
    try:
        content = response.raw.read(max_bytes + 1, decode_content=True)
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise CrmTimeout("the CRM stopped answering mid-response", operation=operation) from exc
    except urllib3.exceptions.HTTPError as exc:  # protocol, decoding and connection failures
        raise CrmUnavailable(f"the CRM's answer broke off: {type(exc).__name__}",
                             operation=operation) from exc
    if len(content) > max_bytes:
        raise ResponseTooLarge(f"answer exceeds {max_bytes} bytes", operation=operation)
    return content


def _connection_error(exc: requests.RequestException, operation: str) -> CrmError:
    """Map a requests failure onto CrmTimeout (read timeouts while streaming) or CrmUnavailable."""
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, urllib3.exceptions.ReadTimeoutError):
        return CrmTimeout("the CRM stopped answering mid-response", operation=operation)
    return CrmUnavailable(f"cannot reach the CRM: {type(exc).__name__}", operation=operation)


def build_session(settings: CrmSettings) -> requests.Session:
    """A pooled session shared by every thread of the process: the configured proxy, nothing
    taken from the environment, no cookies (one customer's CRM-side PHP session must never
    ride along on another customer's call), and at most ``pool_size`` connections (a thread
    beyond that waits for a free one instead of opening and dropping extra connections)."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc credentials picked up from the process
    session.cookies.set_policy(_NoCookies())
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=settings.pool_size, max_retries=0,
                          pool_block=True)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    proxy = settings.proxy_url
    session.proxies = {"http": proxy, "https": proxy} if proxy else {}
    return session


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Accept no cookie from the CRM, so none is ever sent back."""

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False


def _load_local(url: str) -> bytes:
    """Read a local file; raise for any URL with a network or file scheme."""
    if urlsplit(url).scheme not in ("",):
        raise CrmError(f"refusing to load a non-local document: {url}")
    with open(url, "rb") as handle:
        return handle.read()


class _OfflineLoader(zeep.Transport):
    """The transport used once to parse the shipped WSDL: local files only."""

    def __init__(self) -> None:
        super().__init__(session=requests.Session())

    def load(self, url):
        return _load_local(url)


@functools.cache
def wsdl_document() -> Document:
    """Parse the shipped WSDL once per process."""
    path = resources.files(__package__).joinpath("wsdl", "customerportal.wsdl")
    settings = zeep.Settings(strict=False, xml_huge_tree=True, raw_response=True)
    return Document(str(path), _OfflineLoader(), settings=settings)


class SoapChannel:
    """One zeep service bound to the configured endpoint; thread-safe, created once per client."""

    def __init__(self, settings: CrmSettings, session: requests.Session | None = None) -> None:
        self.transport = CrmTransport(settings, session)
        client = zeep.Client(
            wsdl_document(), transport=self.transport, plugins=[PhpEnvelopePlugin()],
            settings=zeep.Settings(raw_response=True, strict=False, xml_huge_tree=True))
        self._service = client.create_service(BINDING, settings.endpoint)

    def send(self, operation: str, *args) -> RawReply:
        """Send ``operation`` with positional ``args`` (a dict for struct operations)."""
        return self._service[operation](*args)

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self.transport.session.close()
