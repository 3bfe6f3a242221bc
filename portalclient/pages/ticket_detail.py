"""One ticket as the detail page shows it: its fields, whether it is closed and may be closed,
its comments and attachments.

The CRM checks nothing on comment, close, upload or file download (PROTOCOL 6.4), so every
action first loads the ticket with get_details, whose permission check answers
'#NOT AUTHORIZED#' (-> 403) for a ticket the customer may not see.

The Status field is found by its value, never by its (translated) label: it is the first field
whose value is one of the ticketstatus picklist values. get_details blanks the status when the
customer may not close the ticket (PROTOCOL 4.20); then no field matches, the close button is
not offered, and whether the ticket is closed comes from the ticket list (its status column,
found the same way): the customer's cached list (``customer_lists``), dropped when they write.

The page's CRM calls are independent and go out together (``CrmClient.together``); nothing is
shown before all have answered, and get_details' refusal is the error a refused page raises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import g, has_request_context, request

from portalclient.cache import PortalCache, get_cache
from portalclient.crm.client import CrmClient
from portalclient.crm.errors import ModuleInactive
from portalclient.crm.models import (Attachment, Comment, CrmSession, Field, RecordDetail,
                                     TicketList)
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists as lists
from portalclient.pages.ticket_list import (HELPDESK, PICKLISTS, is_closed, picklist_column,
                                            status_of)

log = logging.getLogger(__name__)

#: ``g`` key: record id -> [comments, attachments] fetched together with the ticket.
_PREFETCHED = "ticket_detail_prefetched"


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
    """Ticket id -> number, title, status of every ticket the customer can list, from their
    cached ticket list (``customer_lists``: the ownership check has just read it)."""
    return summaries_of(lists.tickets(session, only_mine=False),
                        _statuses(get_crm(), get_cache(), session))


def summaries_of(tickets: TicketList, statuses: tuple[str, ...]) -> dict[str, TicketSummary]:
    """Ticket id -> what the list says about it (status from the recognised status column)."""
    column = picklist_column(tickets, statuses)
    return {row.ticket_id: TicketSummary(row.number, row.title, status_of(row, column))
            for row in tickets.rows}


def _statuses(crm: CrmClient, cache: PortalCache, session: CrmSession) -> tuple[str, ...]:
    """The ticketstatus picklist (global metadata cache; no Flask context needed)."""
    return cache.picklist(crm, session, PICKLISTS["status"])


def load_ticket(session: CrmSession, record_id: str) -> TicketState:
    """The ticket (NotAuthorized when the customer may not see it) and its status.

    Its details and the status picklist (when not cached) go out together; on a GET (a page
    that will show the ticket) its comments and attachments go with them, kept for
    ``load_page``. get_details is first, so its refusal is what a failing page raises. The
    ticket list comes from the customer's cached lists (the ownership check has read it).
    """
    crm, cache = get_crm(), get_cache()
    tickets = lists.tickets(session, only_mine=False)
    with_page = has_request_context() and request.method == "GET"
    calls = [lambda: crm.record(session, HELPDESK, record_id),
             lambda: _statuses(crm, cache, session)]
    if with_page:
        calls += _page_calls(crm, session, record_id)
    detail, statuses, *page_parts = crm.together(*calls)
    if with_page:
        g.setdefault(_PREFETCHED, {})[record_id] = page_parts
    return _ticket_state(record_id, detail, statuses,
                         summaries_of(tickets, statuses).get(record_id))


def _ticket_state(record_id: str, detail: RecordDetail, statuses: tuple[str, ...],
                  summary: TicketSummary | None) -> TicketState:
    """Status from the details when the CRM shows it (then it may be closed), else the list's."""
    field = status_field(detail, statuses)
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


def _page_calls(crm: CrmClient, session: CrmSession, record_id: str) -> list[Callable[[], Any]]:
    """Comments and attachments (None when Documents is off). No session probe on an empty
    answer: get_details of the same page raises SessionExpired for a dead session."""

    def attachments() -> tuple[Attachment, ...] | None:
        try:
            return crm.ticket_attachments(session, record_id, probe=False)
        except ModuleInactive:
            log.info("Documents module off: ticket %s shown without attachments", record_id)
            return None

    return [lambda: crm.ticket_comments(session, record_id, probe=False), attachments]


def load_page(session: CrmSession, ticket: TicketState) -> TicketPage:
    """The ticket's comments and attachments, for the detail page (fetched by ``load_ticket``
    in the same request on a GET; both at once otherwise)."""
    parts = _take_prefetched(ticket.record_id)
    if parts is None:
        crm = get_crm()
        parts = crm.together(*_page_calls(crm, session, ticket.record_id))
    comments, attachments = parts
    return TicketPage(ticket, comments, attachments)


def _take_prefetched(record_id: str) -> list[Any] | None:
    """What ``load_ticket`` fetched for this request's page of ``record_id``, used once."""
    if not has_request_context():
        return None
    return g.get(_PREFETCHED, {}).pop(record_id, None)
