"""The only package that speaks SOAP: the CRM client, its typed results and its errors."""

from .client import CrmClient
from .errors import (CrmError, CrmHttpError, CrmTimeout, CrmUnavailable, LoginRefused,
                     MalformedResponse, ModuleInactive, NotAuthorized, SessionExpired, SoapFault,
                     UnexpectedResponse, VersionIncompatible)
from .models import (Attachment, Block, Cell, Comment, CrmSession, Customer, Faq, FaqComment,
                     Field, FileContent, FileUnavailable, KnowledgeBase, NewTicket,
                     PasswordMailResult, PdfUnavailable, RecordDetail, RecordRef, RecordTable,
                     TicketFormOptions, TicketList, TicketRow)
from .settings import CrmSettings
from .transport import ResponseTooLarge

__all__ = [
    "Attachment", "Block", "Cell", "Comment", "CrmClient", "CrmError", "CrmHttpError",
    "CrmSession", "CrmSettings", "CrmTimeout", "CrmUnavailable", "Customer", "Faq", "FaqComment",
    "Field", "FileContent", "FileUnavailable", "KnowledgeBase", "LoginRefused",
    "MalformedResponse", "ModuleInactive", "NewTicket", "NotAuthorized", "PasswordMailResult",
    "PdfUnavailable", "RecordDetail", "RecordRef", "RecordTable", "ResponseTooLarge",
    "SessionExpired", "SoapFault", "TicketFormOptions", "TicketList", "TicketRow",
    "UnexpectedResponse", "VersionIncompatible",
]
