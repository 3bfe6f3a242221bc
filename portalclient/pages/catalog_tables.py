"""Module tables as the sales and catalog pages show them: local search, sort and paging.

A ``RecordTable`` arrives whole from the CRM (PROTOCOL 4.21/4.22); this module turns it into the
page the customer asked for (``?q=``, ``?sort=<column index>&dir=``, ``?page=``) without ever
sending their text to the CRM. Product and service blocks each page with their own argument
(``?page_related=`` …) so several tables can share one page. It also finds a record's row in a
list, which is where a quote's or invoice's total lives (get_invoice_detail has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from flask import abort

from portalclient.crm.markup import parse_currency
from portalclient.crm.models import Cell, RecordRef, RecordTable
from portalclient.pages.common import (Page, SortOrder, matches, paginate, search_query,
                                       sort_order, sorted_by)

Row = tuple[Cell, ...]
TOTAL_LABELS = frozenset({"total", "grand total"})


@dataclass(frozen=True)
class ListView:
    """One table as shown: the CRM's columns, the requested page of matching rows, the order."""

    table: RecordTable
    page: Page[Row]
    order: SortOrder
    query: str
    page_arg: str = "page"

    @property
    def has_rows(self) -> bool:
        """Whether the CRM sent any row at all (to tell 'none yet' from 'no match')."""
        return bool(self.table.rows)


def list_view(table: RecordTable, *, page_arg: str = "page",
              order: SortOrder | None = None) -> ListView:
    """Search, sort and page ``table`` as the request asks."""
    query = search_query()
    order = order or column_order(table.columns)
    rows = [row for row in table.rows if matches(query, (cell.text for cell in row))]
    if order.column:
        index = int(order.column)
        rows = sorted_by(rows, lambda row: row[index].text if index < len(row) else "",
                         order.descending)
    return ListView(table, paginate(rows, page_arg), order, query, page_arg)


def column_order(columns: Sequence[str]) -> SortOrder:
    """The requested sort over column indexes ("0", "1", …); CRM order when none is asked."""
    return sort_order([str(index) for index in range(len(columns))])


def require_record_id(record_id: str) -> None:
    """404 for anything but an ASCII record id from the URL (no Unicode digits, signs, spaces)."""
    if not (record_id.isascii() and record_id.isdigit()):
        abort(404)


# -- one record's row -----------------------------------------------------------------------------

def row_of(table: RecordTable, module: str, record_id: str) -> Row | None:
    """The first row with a link to the record (its subject or name anchor), or None."""
    wanted = RecordRef(module, record_id)
    return next((row for row in table.rows if any(cell.ref == wanted for cell in row)), None)


def linked_text(row: Row | None, module: str, record_id: str) -> str:
    """The text of the row's link to the record (a subject or name), '' without one."""
    wanted = RecordRef(module, record_id)
    return next((cell.text for cell in row or () if cell.ref == wanted), "")


def total_cell(table: RecordTable, row: Row | None) -> Cell | None:
    """The amount cell of a quote/invoice row: the column labelled Total, else the last
    ``(symbol)amount`` cell (the CRM translates labels, but always prefixes the total)."""
    if row is None:
        return None
    for label, cell in zip(table.columns, row):
        if label.strip().casefold() in TOTAL_LABELS and cell.text.strip():
            return cell
    amounts = [cell for cell in row if parse_currency(cell.text)[0]]
    return amounts[-1] if amounts else None


def currency_symbol(cell: Cell | None) -> str:
    """The currency symbol of an amount cell ('' when the CRM sent a bare number)."""
    return parse_currency(cell.text)[0] if cell is not None else ""
