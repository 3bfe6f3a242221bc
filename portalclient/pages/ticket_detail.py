"""One ticket as the detail page shows it: its fields, whether it is closed and may be closed,
its comments and attachments.

The CRM checks nothing on comment, close, upload or file download (PROTOCOL 6.4), so every
action first loads the ticket with get_details, whose permission check answers
'#NOT AUTHORIZED#' (-> 403) for a ticket the customer may not see.

The Status field is found by its value, never by its (translated) label: it is the first field
whose value is one of the ticketstatus picklist values. get_details blanks the status when the
customer may not close the ticket (PROTOCOL 4.20); then no field matches, the close button is
not offered, and whether the ticket is closed comes from the ticket list (its status column,
found the same way), cached for the customer until they change something.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from portalclient.cache import get_cache
from portalclient.crm.errors import ModuleInactive
from portalclient.crm.models import (Attachment, Comment, CrmSession, Field, RecordDetail)
from portalclient.crm_access import get_crm
from portalclient.pages.ticket_list import (HELPDESK, is_closed, picklist_column,
                                            status_of, ticket_picklists)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketSummary:
    """What the ticket list says about one ticket."""

    number: str
    title: str
    status: str


@dataclass(frozen=True)
class TicketState:
    """A ticket the customer may see, with its status as far as the CRM tells it."""

    record_id: str
    detail: RecordDetail
    number: str
    title: str
    status: str
    can_close: bool

    @property
    def is_closed(self) -> bool:
        return is_closed(self.status)


@dataclass(frozen=True)
class TicketPage:
    """Everything the detail page shows; ``attachments`` is None when the CRM's Documents
    module is off (the section is then hidden)."""

    ticket: TicketState
    comments: tuple[Comment, ...]
    attachments: tuple[Attachment, ...] | None


def status_field(detail: RecordDetail, statuses: tuple[str, ...]) -> Field | None:
    """The first field whose value is a ticket status (None when the CRM blanked it)."""
    allowed = {value.strip() for value in statuses}
    return next((field for field in detail.fields()
                 if field.cell.ref is None and field.cell.text.strip() in allowed), None)


def ticket_summaries(session: CrmSession) -> dict[str, TicketSummary]:
    """Ticket id -> number, title, status of every ticket the customer can list (cached)."""

    def compute() -> dict[str, TicketSummary]:
        tickets = get_crm().tickets(session, only_mine=False)
        column = picklist_column(tickets, ticket_picklists(session)["status"])
        return {row.ticket_id: TicketSummary(row.number, row.title, status_of(row, column))
                for row in tickets.rows}

    return get_cache().for_customer(session.contact_id, "ticket-summaries", compute=compute)


def load_ticket(session: CrmSession, record_id: str) -> TicketState:
    """The ticket (NotAuthorized when the customer may not see it) and its status."""
    detail = get_crm().record(session, HELPDESK, record_id)
    field = status_field(detail, ticket_picklists(session)["status"])
    summary = ticket_summaries(session).get(record_id)
    if field is not None:
        status = field.cell.text.strip()
    else:
        status = summary.status if summary else ""
    number, title = (summary.number, summary.title) if summary else ("", _first_value(detail))
    can_close = field is not None and not is_closed(status)
    return TicketState(record_id, detail, number, title, status, can_close)


def _first_value(detail: RecordDetail) -> str:
    """The first field's value: the ticket's title in every known CRM's field order."""
    fields = detail.fields()
    return fields[0].cell.text if fields else ""


def load_page(session: CrmSession, ticket: TicketState) -> TicketPage:
    """The ticket's comments and attachments, for the detail page."""
    crm = get_crm()
    comments = crm.ticket_comments(session, ticket.record_id)
    try:
        attachments: tuple[Attachment, ...] | None = crm.ticket_attachments(
            session, ticket.record_id)
    except ModuleInactive:
        log.info("Documents module off: ticket %s shown without attachments", ticket.record_id)
        attachments = None
    return TicketPage(ticket, comments, attachments)
