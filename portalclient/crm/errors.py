"""The one exception tree for everything that can go wrong talking to the CRM.

Callers catch these, never zeep, requests or lxml exceptions: the CRM package maps transport
errors, SOAP faults and vtiger's in-band error values (nil returns, ``#NOT AUTHORIZED#`` and
friends) onto this tree. Every exception carries the operation it happened in, so logs and error
pages can say what failed without exposing what was sent.
"""

from __future__ import annotations


class CrmError(Exception):
    """Base class: the CRM could not give the answer we asked for."""

    def __init__(self, message: str = "", *, operation: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or "")
        self.operation = operation


class CrmUnavailable(CrmError):
    """The CRM could not be reached, or did not answer with a SOAP message."""


class CrmTimeout(CrmUnavailable):
    """The CRM did not answer within the configured timeout."""


class CrmHttpError(CrmUnavailable):
    """The CRM answered with an HTTP status that carries no SOAP message."""

    def __init__(self, message: str = "", *, status: int, operation: str | None = None) -> None:
        super().__init__(message, operation=operation)
        self.status = status


class MalformedResponse(CrmUnavailable):
    """The CRM answered, but not with parseable SOAP (empty body, HTML page, garbage XML)."""


class SoapFault(CrmError):
    """The CRM answered with a SOAP fault (unknown or unimplemented operation, bad request)."""

    def __init__(
        self,
        faultstring: str,
        *,
        faultcode: str = "",
        faultactor: str = "",
        detail: object = "",
        operation: str | None = None,
    ) -> None:
        super().__init__(f"{faultcode}: {faultstring}" if faultcode else faultstring,
                         operation=operation)
        self.faultcode = faultcode
        self.faultstring = faultstring
        self.faultactor = faultactor
        self.detail = detail


class SessionExpired(CrmError):
    """The CRM no longer accepts our session id (expired, or the contact logged in elsewhere)."""


class LoginRefused(CrmError):
    """authenticate_user said no; ``reason`` is the CRM's code (INVALID_USERNAME_OR_PASSWORD …)."""

    def __init__(self, reason: str, *, operation: str | None = "authenticate_user") -> None:
        super().__init__(reason, operation=operation)
        self.reason = reason


class VersionIncompatible(LoginRefused):
    """The CRM refused our protocol version (``NOT COMPATIBLE``)."""


class NotAuthorized(CrmError):
    """The CRM answered ``#NOT AUTHORIZED#``: the record is not visible to this contact."""


class ModuleInactive(CrmError):
    """The CRM answered ``#MODULE INACTIVE#``: the admin has not enabled that portal module."""


class UnexpectedResponse(CrmError):
    """The CRM answered with valid SOAP whose value has a shape we do not understand."""
