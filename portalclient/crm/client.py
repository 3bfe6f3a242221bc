"""CrmClient: one method per customer-portal operation, typed results, one error tree.

The client is created once per process and shared by request threads: it holds no per-user
state, only the SOAP channel (a pooled HTTP session). Every answer goes through the codec
(exact nusoap decoding), then through ``tables`` (shape normalisation) into frozen models.
In-band errors become exceptions: sentinels -> NotAuthorized / ModuleInactive, a nil answer
where data is required -> SessionExpired (after a session probe where nil is ambiguous).
See docs/crm-quirks.md for every server quirk tolerated here.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

from . import tables
from .codec import as_list, decode_response
from .errors import (CrmError, CrmHttpError, LoginRefused, MalformedResponse, ModuleInactive,
                     NotAuthorized, SessionExpired, UnexpectedResponse, VersionIncompatible)
from .markup import plain_text
from .models import (Attachment, Comment, CrmSession, Customer, Field, FileContent,
                     FileUnavailable, KnowledgeBase, NewTicket, PasswordMailResult,
                     PdfUnavailable, RecordDetail, RecordTable, TicketFormOptions, TicketList)
from .settings import CrmSettings
from .transport import ResponseTooLarge, SoapChannel

log = logging.getLogger(__name__)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PICKLIST_NAME = re.compile(r"^[_a-zA-Z0-9.]+$")
#: The server's fixed block order after the related block; a block is absent when its tab is.
_SOURCES = (("Quotes", "quotes"), ("Invoice", "invoices"))


def xml_safe(value: Any) -> Any:
    """Strip C0 control characters from outgoing strings (they would make the XML invalid)."""
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


def _flag(value: bool) -> str:
    return "true" if value else "false"


class CrmClient:
    """The customer-portal SOAP API of one CRM, as typed Python calls."""

    def __init__(self, settings: CrmSettings, *, channel: SoapChannel | None = None) -> None:
        self.settings = settings
        self._soap = channel or SoapChannel(settings)

    def close(self) -> None:
        """Release pooled connections."""
        self._soap.close()

    # -- plumbing -----------------------------------------------------------------------

    def _call(self, operation: str, *args: Any) -> Any:
        """Send one operation and decode the answer; transport and SOAP errors propagate."""
        reply = self._soap.send(operation, *(xml_safe(arg) for arg in args))
        result = decode_response(reply.body, status=reply.status,
                                 content_type=reply.content_type, operation=operation)
        log.debug("%s answered %s", operation, type(result).__name__)
        return result

    def _session_call(self, session: CrmSession, operation: str, **members: str) -> Any:
        """Call a struct operation carrying the contact id and session id."""
        struct = {"id": session.contact_id, "sessionid": session.session_id, **members}
        return self._call(operation, struct)

    @staticmethod
    def _raise_sentinel(result: Any, operation: str) -> None:
        found = tables.sentinel(result)
        if found == tables.NOT_AUTHORIZED:
            raise NotAuthorized(operation=operation)
        if found == tables.MODULE_INACTIVE:
            raise ModuleInactive(operation=operation)

    def _data(self, result: Any, operation: str) -> Any:
        """Sentinels -> exceptions; nil (None or vtenext's '') -> SessionExpired."""
        self._raise_sentinel(result, operation)
        if result is None or result == "":
            raise SessionExpired(operation=operation)
        return result

    def _maybe_empty(self, session: CrmSession, result: Any, operation: str) -> Any | None:
        """For answers where nil means 'no rows' OR 'bad session': probe, then None or raise."""
        self._raise_sentinel(result, operation)
        if result is not None and result != "":
            return result
        if not self.is_session_alive(session):
            raise SessionExpired(operation=operation)
        return None

    def _ensure_alive(self, session: CrmSession, operation: str) -> None:
        """After a void operation (always nil), tell a silent no-op on a dead session apart."""
        if not self.is_session_alive(session):
            raise SessionExpired(operation=operation)

    # -- login, passwords, session ------------------------------------------------------

    def _authenticate(self, user_name: str, password: str, login: bool) -> Any:
        result = self._call("authenticate_user", user_name, password, self.settings.version,
                            _flag(login))
        items = tables.top_items(result)
        first = items[0] if items else None
        if isinstance(first, dict) and "id" in first:
            return first
        reason = tables.text_of(first) if isinstance(first, str) else "UNEXPECTED_ANSWER"
        if reason == "NOT COMPATIBLE":
            raise VersionIncompatible(reason)
        raise LoginRefused(reason or "UNEXPECTED_ANSWER")

    def authenticate(self, user_name: str, password: str) -> Customer:
        """Log in: a new CRM session (the contact's previous one stops working)."""
        record = self._authenticate(user_name, password, login=True)
        if not record.get("sessionid"):
            raise LoginRefused("UNEXPECTED_ANSWER")
        name = tables.text_of(record.get("user_name")) or user_name
        session = CrmSession(contact_id=tables.text_of(record["id"]),
                             session_id=tables.text_of(record["sessionid"]), user_name=name)
        return Customer(session=session, user_name=name,
                        last_login=tables.parse_timestamp(record.get("last_login_time")),
                        support_start=tables.parse_date(record.get("support_start_date")),
                        support_end=tables.parse_date(record.get("support_end_date")))

    def verify_password(self, user_name: str, password: str) -> bool:
        """Check credentials without creating or replacing a session (login='false')."""
        try:
            self._authenticate(user_name, password, login=False)
        except VersionIncompatible:
            raise
        except LoginRefused:
            return False
        return True

    def record_login(self, session: CrmSession) -> None:
        """update_login_details(login): stamps the login time (always answers nil)."""
        self._session_call(session, "update_login_details", flag="login")

    def logout(self, session: CrmSession) -> None:
        """update_login_details(logout): stamps the logout time; the CRM session stays valid."""
        self._session_call(session, "update_login_details", flag="logout")

    def change_password(self, session: CrmSession, old_password: str, new_password: str) -> None:
        """Verify the old password, change it, and verify the new one actually works."""
        operation = "change_password"
        if not self.verify_password(session.user_name, old_password):
            raise LoginRefused("INVALID_USERNAME_OR_PASSWORD", operation=operation)
        result = self._session_call(session, operation, username=session.user_name,
                                    password=new_password, version=self.settings.version)
        items = tables.top_items(self._data(result, operation))
        if items and items[0] == "MORE_THAN_ONE_USER":
            raise LoginRefused("MORE_THAN_ONE_USER", operation=operation)
        if not self.verify_password(session.user_name, new_password):
            raise CrmError("the CRM did not accept the new password", operation=operation)

    def request_password_mail(self, email: str) -> PasswordMailResult:
        """send_mail_for_password: 'true@@@<b>…</b>' / 'false@@@…'."""
        answer = tables.text_of(self._call("send_mail_for_password", email))
        status, _, message = answer.partition("@@@")
        return PasswordMailResult(sent=status.strip() == "true", message=plain_text(message))

    def is_session_alive(self, session: CrmSession) -> bool:
        """Probe with get_ticket_creator(ticketid '0'): '' means alive, nil means dead."""
        return self._session_call(session, "get_ticket_creator", ticketid="0") is not None

    # -- portal configuration -----------------------------------------------------------

    def modules(self) -> tuple[str, ...]:
        """get_modules: the portal tabs, in the admin's order (first = landing page)."""
        return tuple(tables.text_of(name) for name in tables.top_items(self._call("get_modules")))

    def show_all(self, module: str) -> bool:
        """Whether the admin lets contacts see their organisation's records of ``module``."""
        return tables.text_of(self._call("show_all", module)) == "true"

    def account_id(self, contact_id: str) -> str | None:
        """The contact's organisation id, or None when it has none."""
        account = tables.text_of(self._call("get_check_account_id", contact_id)).strip()
        return account if account not in ("", "0") else None

    def picklist(self, session: CrmSession, name: str) -> tuple[str, ...]:
        """The values of CRM picklist ``name`` for the portal user's role."""
        if not _PICKLIST_NAME.match(name):
            raise ValueError(f"not a picklist name: {name!r}")
        result = self._data(self._session_call(session, "get_picklists", picklist_name=name),
                            "get_picklists")
        return tuple(plain_text(tables.text_of(value)) for value in as_list(result))

    def ticket_form_options(self, session: CrmSession) -> TicketFormOptions:
        """get_combo_values, looked up by key ('#MODULE INACTIVE#' groups become empty)."""
        groups = tables.combo_groups(
            self._data(self._session_call(session, "get_combo_values"), "get_combo_values"))

        def values(key: str, text=plain_text) -> tuple[str, ...]:
            return tuple(text(tables.text_of(v)) for v in tables.combo_values(groups, key))

        return TicketFormOptions(
            products=tuple(zip(values("productid"), values("productname", text=str))),
            priorities=values("ticketpriorities"), severities=values("ticketseverities"),
            categories=values("ticketcategories"),
            service_contracts=tuple(zip(values("serviceid"), values("servicename"))))

    def ticket_creator(self, session: CrmSession, record_id: str) -> str:
        """The CRM user id that created ``record_id`` ('' for an unknown record)."""
        result = self._session_call(session, "get_ticket_creator", ticketid=record_id)
        if result is None:
            raise SessionExpired(operation="get_ticket_creator")
        return tables.text_of(result)

    # -- tickets ------------------------------------------------------------------------

    def tickets(self, session: CrmSession, *, only_mine: bool) -> TicketList:
        """All tickets visible to the contact (search is local: where/match are always '')."""
        result = self._session_call(session, "get_tickets_list", user_name=session.user_name,
                                    onlymine=_flag(only_mine), where="", match="")
        result = self._maybe_empty(session, result, "get_tickets_list")
        return tables.ticket_list(result) if result is not None else TicketList((), ())

    def create_ticket(self, session: CrmSession, ticket: NewTicket) -> str:
        """Create a ticket for this contact; returns its id."""
        operation = "create_ticket"
        result = self._session_call(
            session, operation, title=ticket.title, description=ticket.description,
            priority=ticket.priority, severity=ticket.severity, category=ticket.category,
            user_name=session.user_name, parent_id=session.contact_id,
            product_id=ticket.product_id, module="HelpDesk", assigned_to="",
            serviceid=ticket.service_id, projectid=ticket.project_id)
        if self._maybe_empty(session, result, operation) is None:
            raise UnexpectedResponse("the CRM did not return the new ticket", operation=operation)
        ticket_id = tables.new_ticket_id(result)
        if not ticket_id:
            raise UnexpectedResponse("no ticket id in the answer", operation=operation)
        return ticket_id

    def record(self, session: CrmSession, module: str, record_id: str) -> RecordDetail:
        """get_details: one record of ``module`` (not Invoice: see ``invoice``)."""
        result = self._call("get_details", record_id, module, session.contact_id,
                            session.session_id)
        return tables.record_detail(self._data(result, "get_details"), module, record_id)

    def ticket_comments(self, session: CrmSession, ticket_id: str) -> tuple[Comment, ...]:
        """Comments of a ticket, newest first."""
        result = self._session_call(session, "get_ticket_comments", ticketid=ticket_id)
        result = self._maybe_empty(session, result, "get_ticket_comments")
        return tables.comments(result)

    def add_ticket_comment(self, session: CrmSession, ticket_id: str, text: str) -> None:
        """Comment on a ticket as this contact (the CRM answers nil, success or not)."""
        self._session_call(session, "update_ticket_comment", ticketid=ticket_id,
                           ownerid=session.contact_id, comments=text)
        self._ensure_alive(session, "update_ticket_comment")

    def close_ticket(self, session: CrmSession, ticket_id: str) -> None:
        """Set a ticket's status to Closed."""
        result = self._session_call(session, "close_current_ticket", ticketid=ticket_id)
        if tables.text_of(self._data(result, "close_current_ticket")) != "closed":
            raise UnexpectedResponse("ticket not closed", operation="close_current_ticket")

    def ticket_attachments(self, session: CrmSession, ticket_id: str) -> tuple[Attachment, ...]:
        """Documents linked to a ticket (files and external links)."""
        result = self._session_call(session, "get_ticket_attachments", ticketid=ticket_id)
        return tables.attachments(self._maybe_empty(session, result, "get_ticket_attachments"))

    def ticket_file(self, session: CrmSession, ticket_id: str, file_id: str,
                    filename: str) -> FileContent:
        """Download a ticket attachment (file id AND exact stored name must match)."""
        operation = "get_filecontent"
        result = self._session_call(session, operation, fileid=file_id, filename=filename,
                                    ticketid=ticket_id)
        if self._maybe_empty(session, result, operation) is None:
            raise FileUnavailable("no such file on this ticket", operation=operation)
        items = tables.top_items(result)
        data = tables.strict_base64(items[0] if items else "", operation)
        return FileContent(filename, tables.guess_type(filename), data)

    def attach_file(self, session: CrmSession, ticket_id: str, filename: str,
                    content_type: str, data: bytes) -> None:
        """Upload a file to a ticket (base64 text typed xsd:string, never base64Binary)."""
        self._session_call(session, "add_ticket_attachment", ticketid=ticket_id,
                           filename=filename, filetype=content_type, filesize=str(len(data)),
                           filecontents=base64.b64encode(data).decode("ascii"))
        self._ensure_alive(session, "add_ticket_attachment")

    # -- FAQ ----------------------------------------------------------------------------

    def knowledge_base(self, session: CrmSession) -> KnowledgeBase:
        """FAQ categories, products and published FAQs with their comments."""
        result = self._session_call(session, "get_KBase_details")
        return tables.knowledge_base(self._data(result, "get_KBase_details"))

    def add_faq_comment(self, session: CrmSession, faq_id: str, text: str) -> KnowledgeBase:
        """Comment on a FAQ; the CRM answers with the knowledge base ({'item': …} groups)."""
        result = self._session_call(session, "save_faq_comment", faqid=faq_id, comment=text)
        return tables.knowledge_base(self._data(result, "save_faq_comment"))

    # -- records ------------------------------------------------------------------------

    def invoice(self, session: CrmSession, record_id: str) -> RecordDetail:
        """get_invoice_detail: one invoice's fields."""
        result = self._call("get_invoice_detail", record_id, "Invoice", session.contact_id,
                            session.session_id)
        return tables.record_detail(self._data(result, "get_invoice_detail"), "Invoice",
                                    record_id)

    def records(self, session: CrmSession, module: str, *, only_mine: bool) -> RecordTable:
        """get_list_values: Quotes, Invoice, Documents, Contacts, Assets or Project rows."""
        result = self._call("get_list_values", session.contact_id, module, session.session_id,
                            _flag(only_mine))
        return self._table(session, result, "get_list_values", module)

    def _table(self, session: CrmSession, result: Any, operation: str,
               module: str) -> RecordTable:
        result = self._maybe_empty(session, result, operation)
        return tables.module_table(result, module) if result is not None else RecordTable(
            module, (), ())

    def product_tables(self, session: CrmSession, *,
                       only_mine: bool) -> tuple[RecordTable, ...]:
        """Products: related to the contact, on its quotes, on its invoices (as enabled)."""
        return self._blocks(session, "get_product_list_values", "Products", only_mine)

    def service_tables(self, session: CrmSession, *,
                       only_mine: bool) -> tuple[RecordTable, ...]:
        """Services: related to the contact, on its quotes, on its invoices (as enabled)."""
        return self._blocks(session, "get_service_list_values", "Services", only_mine)

    def _blocks(self, session: CrmSession, operation: str, module: str,
                only_mine: bool) -> tuple[RecordTable, ...]:
        result = self._call(operation, session.contact_id, module, session.session_id,
                            _flag(only_mine))
        blocks = tables.block_tables(self._data(result, operation), module)
        active = self.modules()
        sources = ["related"] + [source for module, source in _SOURCES if module in active]
        if len(sources) != len(blocks):
            log.warning("%s: %d blocks for sources %s", operation, len(blocks), sources)
            sources = ["related", "quotes", "invoices"][:len(blocks)]
        return tuple(tables.with_source(b, s) for b, s in zip(blocks, sources))

    def documents_of(self, session: CrmSession, record_id: str) -> RecordTable:
        """get_documents: the documents related to any record (e.g. a FAQ)."""
        result = self._call("get_documents", record_id, "Documents", session.contact_id,
                            session.session_id)
        return self._table(session, result, "get_documents", "Documents")

    def document_file(self, session: CrmSession, module: str, record_id: str) -> FileContent:
        """get_filecontent_detail: a document's file (or a record's first attachment)."""
        operation = "get_filecontent_detail"
        result = self._call(operation, record_id, "", module, session.contact_id,
                            session.session_id)
        items = tables.top_items(self._data(result, operation))
        detail = items[0] if items and isinstance(items[0], dict) else {}
        return tables.file_content(detail, operation)

    def pdf(self, session: CrmSession, module: str, record_id: str) -> bytes:
        """get_pdf: the quote/invoice PDF; PdfUnavailable when the CRM cannot render it."""
        try:
            result = self._call("get_pdf", record_id, module, session.contact_id,
                                session.session_id)
        except ResponseTooLarge:
            raise
        except (CrmHttpError, MalformedResponse) as exc:  # PHP fatal in the CRM's PDF code
            if isinstance(exc, CrmHttpError) and exc.status != 500:
                raise
            raise PdfUnavailable("the CRM failed rendering the PDF", operation="get_pdf") from exc
        items = tables.top_items(self._data(result, "get_pdf"))
        if not items or not items[0]:
            raise PdfUnavailable(operation="get_pdf")
        return tables.strict_base64(items[0], "get_pdf")

    def project_components(self, session: CrmSession, project_id: str,
                           module: str) -> RecordTable:
        """get_project_components: a project's ProjectTask or ProjectMilestone rows."""
        result = self._call("get_project_components", project_id, module, session.contact_id,
                            session.session_id)
        return self._table(session, result, "get_project_components", module)

    def project_tickets(self, session: CrmSession, project_id: str) -> RecordTable:
        """get_project_tickets: the tickets related to a project."""
        result = self._call("get_project_tickets", project_id, "HelpDesk", session.contact_id,
                            session.session_id)
        return self._table(session, result, "get_project_tickets", "HelpDesk")

    def count_download(self, document_id: str) -> None:
        """updateCount: add one to a document's download counter (external links)."""
        self._call("updateCount", document_id)

    def custom_field_details(self, session: CrmSession, record_id: str) -> tuple[Field, ...]:
        """get_cf_field_details: declared but unimplemented on every known server (SoapFault)."""
        result = self._call("get_cf_field_details", record_id, session.contact_id,
                            session.session_id)
        return tables.record_detail(self._data(result, "get_cf_field_details"), "", record_id
                                    ).fields()

    def product_urls(self, session: CrmSession, product_id: str) -> tuple[str, ...]:
        """get_product_urllist: declared but unimplemented on every known server (SoapFault)."""
        result = self._data(self._call("get_product_urllist", session.contact_id, product_id,
                                       "Products"), "get_product_urllist")
        return tuple(tables.text_of(url) for url in tables.top_items(result))
