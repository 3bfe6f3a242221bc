"""Trouble-ticket operations of the CRM client: lists, creation, comments, attachments."""

from __future__ import annotations

import base64

from . import tables
from .base import CrmBase, flag
from .errors import SessionExpired, UnexpectedResponse
from .markup import php_str, plain_text
from .models import (Attachment, Comment, CrmSession, FileContent, FileUnavailable, NewTicket,
                     TicketFormOptions, TicketList)


class TicketOperations(CrmBase):
    """The HelpDesk module as seen by one contact."""

    def ticket_form_options(self, session: CrmSession) -> TicketFormOptions:
        """get_combo_values, looked up by key ('#MODULE INACTIVE#' groups become empty)."""
        groups = tables.combo_groups(
            self._data(self._session_call(session, "get_combo_values"), "get_combo_values"))

        def values(key: str, text=plain_text) -> tuple[str, ...]:
            return tuple(text(php_str(v)) for v in tables.combo_values(groups, key))

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
        return php_str(result)

    def tickets(self, session: CrmSession, *, only_mine: bool) -> TicketList:
        """All tickets visible to the contact (search is local: where/match are always '')."""
        result = self._session_call(session, "get_tickets_list", user_name=session.user_name,
                                    onlymine=flag(only_mine), where="", match="")
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

    def ticket_comments(self, session: CrmSession, ticket_id: str, *,
                        probe: bool = True) -> tuple[Comment, ...]:
        """Comments of a ticket, newest first (``probe``: see ``CrmBase._maybe_empty``)."""
        result = self._session_call(session, "get_ticket_comments", ticketid=ticket_id)
        result = self._maybe_empty(session, result, "get_ticket_comments", probe=probe)
        return tables.comments(result)

    def add_ticket_comment(self, session: CrmSession, ticket_id: str, text: str) -> None:
        """Comment on a ticket as this contact (the CRM answers nil, success or not)."""
        self._session_call(session, "update_ticket_comment", ticketid=ticket_id,
                           ownerid=session.contact_id, comments=text)
        self._ensure_alive(session, "update_ticket_comment")

    def close_ticket(self, session: CrmSession, ticket_id: str) -> None:
        """Set a ticket's status to Closed."""
        result = self._session_call(session, "close_current_ticket", ticketid=ticket_id)
        if php_str(self._data(result, "close_current_ticket")) != "closed":
            raise UnexpectedResponse("ticket not closed", operation="close_current_ticket")

    def ticket_attachments(self, session: CrmSession, ticket_id: str, *,
                           probe: bool = True) -> tuple[Attachment, ...]:
        """Documents linked to a ticket: files and links (``probe``: see ``_maybe_empty``)."""
        result = self._session_call(session, "get_ticket_attachments", ticketid=ticket_id)
        return tables.attachments(self._maybe_empty(session, result, "get_ticket_attachments",
                                                    probe=probe))

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
