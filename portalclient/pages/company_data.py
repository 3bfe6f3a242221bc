"""What the contact and organization pages load and how they trim it.

The CRM decides who is visible: the Contacts list holds the customer and, where the admin lets
contacts see their organization, their colleagues. Names come from the list's own anchors (the
cells that point at a contact), so no CRM-language column label is ever looked up.
"""

from __future__ import annotations

from typing import Iterable

from portalclient.crm.models import Block, Cell, CrmSession, RecordDetail, RecordTable
from portalclient.pages import customer_lists

CONTACTS = "Contacts"
ACCOUNTS = "Accounts"

Row = tuple[Cell, ...]


def visible_contacts(session: CrmSession) -> RecordTable:
    """The contacts the CRM shows this customer (themselves included), cached per session."""
    return customer_lists.records(session, CONTACTS, only_mine=False)


def own_account_id(session: CrmSession) -> str | None:
    """The customer's organization id (None without one), cached for this customer only."""
    return customer_lists.account_id(session)


def contact_of(row: Row) -> str | None:
    """The id of the contact a Contacts row describes (its name cells link to it)."""
    return next((cell.ref.record_id for cell in row
                 if cell.ref is not None and cell.ref.module == CONTACTS), None)


def colleague_rows(table: RecordTable, contact_id: str) -> list[Row]:
    """Every row of ``table`` except the customer's own."""
    return [row for row in table.rows if contact_of(row) != contact_id]


def contact_name(table: RecordTable, contact_id: str) -> str:
    """'First Last' of a listed contact, from the cells linking to them; '' if not listed."""
    for row in table.rows:
        if contact_of(row) == contact_id:
            return " ".join(_linked_texts(row, contact_id))
    return ""


def _linked_texts(row: Row, contact_id: str) -> Iterable[str]:
    for cell in row:
        if cell.ref is not None and cell.ref.module == CONTACTS and \
                cell.ref.record_id == contact_id and cell.text.strip():
            yield cell.text.strip()


def filled(detail: RecordDetail, first_block_only: bool = False) -> RecordDetail:
    """``detail`` without empty fields and blocks: contact and account records are mostly blank."""
    blocks = []
    for block in detail.blocks[:1] if first_block_only else detail.blocks:
        fields = tuple(field for field in block.fields if field.cell.text.strip() or field.cell.url)
        if fields:
            blocks.append(Block(block.name, fields))
    return RecordDetail(detail.module, detail.record_id, tuple(blocks))


def organization_name(detail: RecordDetail) -> str:
    """The organization's name: vtiger puts it first (its label is CRM-language data)."""
    fields = detail.fields()
    return fields[0].cell.text.strip() if fields else ""
