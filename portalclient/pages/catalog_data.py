"""The customer's lists from the CRM, cached per customer for the pages of sales and catalog.

Lists arrive whole and are paged, sorted and searched locally, so one short-lived copy per
customer session (``customer_lists``: the key starts with the contact and CRM session) serves every page
of a list and the detail pages that need a value only the list has (an invoice's total). Nothing
here is ever shared between customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from portalclient.crm.models import Cell, RecordTable
from portalclient.pages import customer_lists
from portalclient.pages.catalog_tables import (currency_symbol, linked_text, row_of,
                                              total_cell)
from portalclient.session import current_customer

#: Modules whose product/service blocks the CRM sends (PROTOCOL 4.21, 4.31).
ITEM_MODULES = ("Products", "Services")


def customer_records(module: str, *, only_mine: bool) -> RecordTable:
    """get_list_values of ``module`` for the logged-in customer (``customer_lists``)."""
    return customer_lists.records(current_customer(), module, only_mine=only_mine)


def customer_item_blocks(module: str, *, only_mine: bool) -> tuple[RecordTable, ...]:
    """The product or service blocks (related / on quotes / on invoices) of the customer."""
    if module not in ITEM_MODULES:
        raise ValueError(f"not a product/service module: {module!r}")
    return customer_lists.item_blocks(current_customer(), module, only_mine=only_mine)


def customer_contracts() -> tuple[tuple[str, str], ...]:
    """(id, subject) of the service contracts the CRM offers the customer (get_combo_values)."""
    return customer_lists.contracts(current_customer())


@dataclass(frozen=True)
class ListSummary:
    """What a module list knows about one record and its detail view lacks."""

    number: str
    title: str
    total: Cell | None
    currency: str


def list_summary(module: str, record_id: str) -> ListSummary:
    """Number, subject and total of a record from the customer's widest list of ``module``."""
    table = customer_records(module, only_mine=False)
    row = row_of(table, module, record_id)
    total = total_cell(table, row)
    number = row[0].text.strip() if row else ""
    return ListSummary(number=number, title=linked_text(row, module, record_id), total=total,
                       currency=currency_symbol(total))
