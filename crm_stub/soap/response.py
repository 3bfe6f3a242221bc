"""Build response and fault envelopes shaped like vtiger's nusoap 0.9.5 server output."""

from __future__ import annotations

from typing import Any

from lxml import etree

from crm_stub.soap import encode
from crm_stub.soap.xmlns import ENCODING_STYLE, ENVELOPE_NSMAP, SOAP_ENC, SOAP_ENV, XSI_TYPE

#: nusoap writes the declaration with double quotes and no newline; lxml would not.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

_PART_WRITERS = {
    "string": encode.add_string_return,
    "array": encode.add_vtiger_array,
    "array_of_arrays": encode.add_array_of_arrays,
}


def tns_namespace(host: str) -> str:
    """The WSDL target namespace: ``http://{SERVER_NAME}/soap/customerportal`` (port stripped)."""
    return f"http://{host}/soap/customerportal"


def _envelope(extra_nsmap: dict[str, str] | None = None) -> tuple[etree._Element, etree._Element]:
    nsmap = dict(ENVELOPE_NSMAP, **(extra_nsmap or {}))
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=nsmap)
    envelope.set(ENCODING_STYLE, SOAP_ENC)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    return envelope, body


def _serialize(envelope: etree._Element) -> bytes:
    return XML_DECLARATION + etree.tostring(envelope, encoding="UTF-8", xml_declaration=False)


def build_response(
    operation: str, namespace: str | None, value: Any, kind: str, *, host: str = "localhost"
) -> bytes:
    """Serialize ``value`` as the single ``return`` part of ``{operation}Response``.

    ``namespace`` is the request's operation namespace (None when unqualified: nusoap then
    binds ``ns1`` to the envelope namespace). ``host`` names the WSDL's ``tns`` namespace,
    declared only for ``array_of_arrays`` (get_KBase_details), as on the real server.
    """
    writer = _PART_WRITERS[kind]
    extra = {"tns": tns_namespace(host)} if kind == "array_of_arrays" else None
    envelope, body = _envelope(extra)
    response_ns = namespace or SOAP_ENV
    wrapper = etree.SubElement(
        body, f"{{{response_ns}}}{operation}Response", nsmap={"ns1": response_ns}
    )
    writer(wrapper, "return", value)
    return _serialize(envelope)


def build_fault(faultstring: str, faultcode: str = "SOAP-ENV:Client") -> bytes:
    """A nusoap fault envelope: code, empty actor, message and empty detail, all xsd:string."""
    envelope, body = _envelope()
    envelope.text = "\n"
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    for name, text in (("faultcode", faultcode), ("faultactor", ""),
                       ("faultstring", faultstring), ("detail", "")):
        element = etree.SubElement(fault, name)
        element.set(XSI_TYPE, "xsd:string")
        element.text = encode.xml_text(text)
    return _serialize(envelope)
