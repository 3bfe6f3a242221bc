"""The ticket list: which CRM columns hold status, priority and category; tabs, filters, search,
sort and the CSV export.

get_tickets_list sends the CRM's own list columns with labels in the CRM's language (PROTOCOL
4.4), so a column is never found by its English label: it is the first column whose non-empty
cells are all values of the field's picklist (get_picklists ticketstatus, ticketpriorities,
ticketcategories). A filter is offered only when its column was found. Search (number and
title), filters and sorting all run here on the rows the CRM sent; nothing typed by the customer
is ever sent to the CRM (PROTOCOL 6.1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from flask import request

from portalclient.cache import get_cache
from portalclient.crm.models import CrmSession, TicketList, TicketRow
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists
from portalclient.pages.common import (Scope, SortOrder, list_scope, matches, search_query,
                                       sort_key, sort_order)

HELPDESK = "HelpDesk"
#: The status close_current_ticket stores (PROTOCOL 4.10): a stored picklist value, not a label.
CLOSED_STATUS = "Closed"
STATES = ("open", "closed", "all")
DEFAULT_STATE = "open"
#: Filter name -> the CRM picklist its values come from, in the order the filters are shown.
PICKLISTS = {"status": "ticketstatus", "priority": "ticketpriorities",
             "category": "ticketcategories"}
#: Cells starting with one of these are formulas to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"(\d+)")


def cell_text(row: TicketRow, index: int | None) -> str:
    """The trimmed text of column ``index`` of ``row`` ('' when there is no such cell)."""
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index].text.strip()


def picklist_column(tickets: TicketList, values: Iterable[str]) -> int | None:
    """The first column whose non-empty cells all hold one of ``values`` (None if none does)."""
    allowed = {value.strip() for value in values}
    for index in range(len(tickets.columns)):
        texts = [text for row in tickets.rows if (text := cell_text(row, index))]
        if texts and all(text in allowed for text in texts):
            return index
    return None


def status_of(row: TicketRow, status_column: int | None) -> str:
    """The row's status: from the recognised column, else from the CRM's 'Status' header."""
    return cell_text(row, status_column) if status_column is not None else row.status.strip()


def is_closed(status: str) -> bool:
    """Whether ``status`` is the CRM's closed status."""
    return status.casefold() == CLOSED_STATUS.casefold()


@dataclass(frozen=True)
class Filter:
    """One picklist filter the list offers: its column, the CRM's values, the chosen one."""

    name: str
    column: int
    options: tuple[str, ...]
    chosen: str


def ticket_picklists(session: CrmSession) -> dict[str, tuple[str, ...]]:
    """Filter name -> the values of its CRM picklist (cached globally)."""
    crm, cache = get_crm(), get_cache()
    return {name: cache.picklist(crm, session, picklist) for name, picklist in PICKLISTS.items()}


def offered_filters(tickets: TicketList, picklists: Mapping[str, Sequence[str]],
                    args: Mapping[str, str]) -> tuple[Filter, ...]:
    """The filters whose column the list has; a chosen value not in the picklist is ignored."""
    filters = []
    for name, options in picklists.items():
        column = picklist_column(tickets, options)
        if column is None:
            continue
        wanted = args.get(name, "")
        filters.append(Filter(name, column, tuple(options), wanted if wanted in options else ""))
    return tuple(filters)


def column_of(filters: Sequence[Filter], name: str) -> int | None:
    """The column of filter ``name``, if the list offers it."""
    return next((f.column for f in filters if f.name == name), None)


@dataclass(frozen=True)
class Listing:
    """The ticket list as the customer asked for it (before paging)."""

    scope: Scope
    tickets: TicketList
    filters: tuple[Filter, ...]
    status_column: int | None
    state: str
    query: str
    order: SortOrder
    rows: list[TicketRow]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Every ticket in scope, whatever the filters."""
        return len(self.tickets.rows)

    @property
    def narrowed(self) -> bool:
        """Whether a search or filter hides some tickets."""
        return bool(self.query or any(f.chosen for f in self.filters))


def load_listing(session: CrmSession) -> Listing:
    """The CRM's tickets in the requested scope, tab, filters, search and sort order."""
    scope = list_scope(HELPDESK)
    tickets = customer_lists.tickets(session, only_mine=scope.only_mine)
    filters = offered_filters(tickets, ticket_picklists(session), request.args)
    status_column = column_of(filters, "status")
    state = requested_state(filters) if status_column is not None else "all"  # no tabs then
    query = search_query()
    order = sort_order([str(index) for index in range(len(tickets.columns))])
    matching = [row for row in tickets.rows if _wanted(row, filters, query)]
    counts = {name: len(in_state(matching, name, status_column)) for name in STATES}
    rows = sorted_rows(in_state(matching, state, status_column), order)
    return Listing(scope, tickets, filters, status_column, state, query, order, rows, counts)


def requested_state(filters: Sequence[Filter]) -> str:
    """``?state=``; without one, 'all' when a status is chosen (it may be a closed one)."""
    state = request.args.get("state", "")
    if state in STATES:
        return state
    return "all" if any(f.chosen for f in filters if f.name == "status") else DEFAULT_STATE


def _wanted(row: TicketRow, filters: Sequence[Filter], query: str) -> bool:
    """Whether ``row`` passes the chosen filters and the search over number and title."""
    if any(f.chosen and cell_text(row, f.column) != f.chosen for f in filters):
        return False
    return not query or matches(query, (row.number, row.title))


def in_state(rows: Sequence[TicketRow], state: str, status_column: int | None) -> list[TicketRow]:
    """The rows of tab ``state``: open, closed or all."""
    if state == "all":
        return list(rows)
    closed = state == "closed"
    return [row for row in rows if is_closed(status_of(row, status_column)) == closed]


def sorted_rows(rows: Sequence[TicketRow], order: SortOrder) -> list[TicketRow]:
    """By the chosen column (numbers inside text in numeric order), else newest ticket first."""
    if not order.column:
        return sorted(rows, key=lambda row: _record_number(row.ticket_id), reverse=True)
    index = int(order.column)
    return sorted(rows, key=lambda row: natural_key(cell_text(row, index)),
                  reverse=order.descending)


def natural_key(text: str) -> tuple:
    """``common.sort_key``, with texts like 'TT10' ordered after 'TT9'."""
    kind, number, folded = sort_key(text)
    if kind != 2:
        return kind, number, ()
    parts = _DIGITS.split(folded)
    return kind, number, tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def _record_number(record_id: str) -> int:
    return int(record_id) if record_id.isdigit() else 0


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: formula starts get a leading single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tickets_csv(columns: Sequence[str], rows: Iterable[TicketRow]) -> bytes:
    """The rows as CSV in UTF-8 with a BOM (so Excel reads it as UTF-8), header = CRM labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(label) for label in columns])
    for row in rows:
        cells = [row.cells[i].text if i < len(row.cells) else "" for i in range(len(columns))]
        writer.writerow([csv_cell(text) for text in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
