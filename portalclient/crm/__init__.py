"""The only package that speaks SOAP: the CRM client, its typed results and its errors.

The names below are loaded on first use (PEP 562), so importing ``portalclient.crm.settings``
(the configuration does, in the gunicorn master too) does not load zeep, requests and lxml:
only the processes that talk to the CRM pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

_SOURCES = {
    "client": ("CrmClient",),
    "errors": ("CrmError", "CrmHttpError", "CrmTimeout", "CrmUnavailable", "LoginRefused",
               "MalformedResponse", "ModuleInactive", "NotAuthorized", "SessionExpired",
               "SoapFault", "UnexpectedResponse", "VersionIncompatible"),
    "models": ("Attachment", "Block", "Cell", "Comment", "CrmSession", "Customer", "Faq",
               "FaqComment", "Field", "FileContent", "FileUnavailable", "KnowledgeBase",
               "NewTicket", "PasswordMailResult", "PdfUnavailable", "RecordDetail", "RecordRef",
               "RecordTable", "TicketFormOptions", "TicketList", "TicketRow"),
    "settings": ("CrmSettings",),
    "transport": ("ResponseTooLarge",),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` when it is first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
