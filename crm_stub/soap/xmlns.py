"""Namespace URIs and the prefixes nusoap always declares on its envelopes."""

from __future__ import annotations

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: Prefix -> URI in the order nusoap writes them on ``SOAP-ENV:Envelope``.
ENVELOPE_NSMAP = {"SOAP-ENV": SOAP_ENV, "xsd": XSD, "xsi": XSI, "SOAP-ENC": SOAP_ENC}

XSI_TYPE = f"{{{XSI}}}type"
XSI_NIL = f"{{{XSI}}}nil"
ENC_ARRAY_TYPE = f"{{{SOAP_ENC}}}arrayType"
ENCODING_STYLE = f"{{{SOAP_ENV}}}encodingStyle"


def local_name(tag: str) -> str:
    """Return the local part of a Clark-notation tag or attribute name."""
    return tag.rpartition("}")[2]
