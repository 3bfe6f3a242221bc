"""The stub CRM's SOAP layer: parse nusoap requests, serialize results the way vtiger does."""

from crm_stub.soap.request import SoapFault, SoapRequest, parse_request
from crm_stub.soap.response import build_fault, build_response

__all__ = ["SoapFault", "SoapRequest", "build_fault", "build_response", "parse_request"]
