"""Module lists: ``get_list_values`` (T2) and product/service lists (T3), PROTOCOL 4.21/22/31.

A column is (label, fieldname, renderer); columns whose fieldname is hidden for the portal
user's profile are dropped, as the CRM drops hidden list columns.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Sequence

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations import visibility as vis
from crm_stub.operations.records import (hidden_fieldnames, module_refusal, party_anchor,
                                         record_label, related_party)
from crm_stub.operations.registry import operation

log = logging.getLogger(__name__)

Column = tuple[str, str, Callable[[StubContext, dict], Any]]


def _text(key: str) -> Callable[[StubContext, dict], str]:
    return lambda ctx, row: fmt.htmlentities(row[key])


def _owner(ctx: StubContext, row: dict) -> str:
    return ctx.store.owner_name(row["owner_id"])


def _account(ctx: StubContext, row: dict) -> str:
    account_id = row["account_id"]
    return fmt.account_anchor(account_id, record_label(ctx, account_id)) if account_id else ""


def _related(ctx: StubContext, row: dict) -> str:
    return party_anchor(ctx, row["_related"])


def _total(ctx: StubContext, row: dict) -> str:
    return fmt.currency_amount(row["total"], row["currency"])


def _document_file(ctx: StubContext, row: dict) -> str:
    """Download anchor, external anchor with onclick, or the plain name if inactive."""
    if not row["active"]:
        return fmt.htmlentities(row["filename"] or row["url"])
    if row["location_type"] == "E":
        return fmt.external_anchor(row["id"], row["url"]) if row["url"] else ""
    if not row["filename"]:
        return ""
    return fmt.document_file_anchor(row["id"], row["folder"], row["filename"])


def _folder(ctx: StubContext, row: dict) -> str:
    return fmt.htmlentities(ctx.store.scalar("SELECT name FROM folders WHERE id = ?",
                                             (row["folder"],)))


COLUMNS: dict[str, tuple[Column, ...]] = {
    "Quotes": (
        ("Quote Number", "quote_no", _text("quote_no")),
        ("Subject", "subject", lambda ctx, row: fmt.quote_list_anchor(row["id"], row["subject"])),
        ("Quote Stage", "stage", _text("stage")),
        ("Opportunity Name", "potential_id", lambda ctx, row: ""),
        ("Organization Name", "account_id", _account),
        ("Total", "total", _total), ("Assigned To", "owner_id", _owner),
        ("Related To", "_related", _related)),
    "Invoice": (
        ("Invoice No", "invoice_no", _text("invoice_no")),
        ("Subject", "subject",
         lambda ctx, row: fmt.invoice_list_anchor(row["id"], row["subject"])),
        ("Sales Order", "sales_order", _text("sales_order")),
        ("Status", "status", _text("status")),
        ("Total", "total", _total), ("Assigned To", "owner_id", _owner),
        ("Related To", "_related", _related)),
    "Documents": (
        ("Title", "title", lambda ctx, row: fmt.document_anchor(row["id"], row["title"])),
        ("File Name", "filename", _document_file),
        ("Modified Time", "modified", _text("modified")),
        ("Assigned To", "owner_id", _owner), ("Folder Name", "folder", _folder),
        ("Related To", "_related", _related)),
    "Contacts": (
        ("First Name", "firstname",
         lambda ctx, row: fmt.contact_anchor(row["id"], row["firstname"])),
        ("Last Name", "lastname", lambda ctx, row: fmt.contact_anchor(row["id"], row["lastname"])),
        ("Title", "title", _text("title")), ("Organization Name", "account_id", _account),
        ("Primary Email", "email", _text("email")), ("Office Phone", "phone", _text("phone")),
        ("Assigned To", "owner_id", _owner)),
    "Assets": (
        ("Asset No", "asset_no", _text("asset_no")),
        ("Asset Name", "name", lambda ctx, row: fmt.asset_anchor(row["id"], row["name"])),
        ("Customer Name", "account_id", _account),
        ("Product Name", "product_id", lambda ctx, row: fmt.asset_product_anchor(
            row["product_id"], record_label(ctx, row["product_id"])) if row["product_id"] else ""),
        ("Related To", "_related", _related)),
    "Project": (
        ("Project name", "name", lambda ctx, row: fmt.project_anchor(row["id"], row["name"])),
        ("Start date", "start_date", _text("start_date")), ("Status", "status", _text("status")),
        ("Type", "type", _text("type")), ("Assigned To", "owner_id", _owner),
        ("Related To", "_related", _related)),
}


def _marks(ids: Sequence[Any]) -> str:
    return ",".join("?" for _ in ids)


def _live(ctx: StubContext, table: str, where: str, params: Sequence[Any]) -> list[dict]:
    """Non-deleted rows of ``table`` with owner/created/modified, ordered by id."""
    rows = ctx.store.query(
        f"SELECT r.*, e.owner_id, e.created, e.modified FROM {table} r JOIN entities e"
        f" ON e.id = r.id AND e.deleted = 0 WHERE {where} ORDER BY r.id", tuple(params))
    return [dict(row) for row in rows]


def _sales_rows(ctx: StubContext, table: str, ids: set[int]) -> list[dict]:
    marks = _marks(ids)
    rows = _live(ctx, table, f"r.contact_id IN ({marks}) OR r.account_id IN ({marks})",
                 (*ids, *ids))
    return [dict(row, _related=related_party(row, ids)) for row in rows]


def _document_rows(ctx: StubContext, ids: set[int]) -> list[dict]:
    """One row per (document, related entity of E) pair, as the CRM's join gives them."""
    pairs = ctx.store.query(
        f"SELECT document_id, crmid FROM document_relations WHERE crmid IN ({_marks(ids)})"
        " ORDER BY document_id, crmid", tuple(ids))
    rows = []
    for pair in pairs:
        rows += [dict(row, _related=pair["crmid"])
                 for row in _live(ctx, "documents", "r.id = ?", (pair["document_id"],))]
    return rows


def list_rows(ctx: StubContext, module: str, contact_id: int, only_mine: Any) -> list[dict]:
    """The records of ``module`` the contact's list shows (PROTOCOL 4.22 table)."""
    ids = vis.entity_set(ctx, contact_id, module, only_mine)
    if module in ("Quotes", "Invoice"):
        return _sales_rows(ctx, "quotes" if module == "Quotes" else "invoices", ids)
    if module == "Documents":
        return _document_rows(ctx, ids)
    if module == "Contacts":
        return _live(ctx, "contacts", f"r.id IN ({_marks(ids)})", tuple(ids))
    if module == "Project":
        rows = _live(ctx, "projects", f"r.linked_to IN ({_marks(ids)})", tuple(ids))
        return [dict(row, _related=row["linked_to"]) for row in rows]
    if module == "Assets":
        account_id = vis.contact_account(ctx, contact_id)
        rows = _live(ctx, "assets", "r.account_id = ?", (account_id,)) if account_id else []
        return [dict(row, _related=row["account_id"]) for row in rows]
    return []


def render_table(ctx: StubContext, module: str, columns: Sequence[Column],
                 rows: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """Labels and rendered rows for the columns not hidden from the portal user."""
    hidden = hidden_fieldnames(ctx, module)
    shown = [column for column in columns if column[1] not in hidden]
    return ([label for label, _, _ in shown],
            [[render(ctx, row) for _, _, render in shown] for row in rows])


@operation("get_list_values", returns="array", required=3)
def get_list_values(ctx: StubContext, id: Any, block: Any, sessionid: Any,
                    only_mine: Any = "true") -> Any:
    """A module's list for the contact as shape T2; None without rows or for other modules."""
    refusal = module_refusal(ctx, block, id, sessionid)
    if refusal is not None:
        return refusal.answer
    if block not in COLUMNS:
        log.info("get_list_values: no list for module %r", block)
        return None
    rows = list_rows(ctx, block, vis.parse_id(id), only_mine)
    labels, cells = render_table(ctx, block, COLUMNS[block], rows)
    return fmt.t2_table(block, labels, cells)


# ---- product and service lists (shape T3) -------------------------------------------------

T3_COLUMNS: dict[str, tuple[Column, ...]] = {
    "Products": (
        ("Product Name", "name", lambda ctx, row: fmt.product_anchor(row["id"], row["name"])),
        ("Part Number", "part_no", _text("part_no")),
        ("Commission Rate", "commission_rate",
         lambda ctx, row: fmt.php_round(row["commission_rate"], 3)),
        ("Qty/Unit", "qty_per_unit", lambda ctx, row: f"{row['qty_per_unit']:.2f}"),
        ("Unit Price", "unit_price",
         lambda ctx, row: fmt.currency_amount(row["unit_price"], row["currency"])),
        ("Related To", "_related", _related)),
    "Services": (
        ("Service No", "service_no", _text("service_no")),
        ("Service Name", "name", lambda ctx, row: fmt.service_anchor(row["id"], row["name"])),
        ("Commission Rate", "commission_rate",
         lambda ctx, row: fmt.php_round(row["commission_rate"], 3)),
        ("No of Units", "units", lambda ctx, row: f"{row['units']:.2f}"),
        ("Price", "unit_price",
         lambda ctx, row: fmt.currency_amount(row["unit_price"], row["currency"])),
        ("Related To", "_related", _related)),
}
ITEM_TABLES = {"Products": "products", "Services": "services"}


def _related_items(ctx: StubContext, module: str, ids: set[int]) -> list[dict]:
    """Block 1: items related to entities of E (seproductsrel / crmentityrel either way)."""
    marks = _marks(ids)
    if module == "Products":
        pairs = ctx.store.query(
            f"SELECT product_id AS item, crmid AS party FROM product_relations"
            f" WHERE crmid IN ({marks}) ORDER BY product_id, crmid", tuple(ids))
    else:
        pairs = ctx.store.query(
            f"SELECT relcrmid AS item, crmid AS party FROM relations WHERE crmid IN ({marks})"
            f" UNION SELECT crmid, relcrmid FROM relations WHERE relcrmid IN ({marks})"
            " ORDER BY 1, 2", (*ids, *ids))
    rows = []
    for pair in pairs:
        rows += [dict(row, _related=pair["party"])
                 for row in _live(ctx, ITEM_TABLES[module], "r.id = ?", (pair["item"],))]
    return rows


def _line_items(ctx: StubContext, module: str, table: str, ids: set[int]) -> list[dict]:
    """Blocks 2/3: one row per quote/invoice line of ``module`` items, documents of E."""
    rows = []
    for document in _sales_rows(ctx, table, ids):
        items = ctx.store.query("SELECT item_id FROM inventory_lines WHERE parent_id = ?"
                                " ORDER BY sequence", (document["id"],))
        for item in items:
            rows += [dict(row, _related=document["_related"])
                     for row in _live(ctx, ITEM_TABLES[module], "r.id = ?", (item["item_id"],))]
    return rows


def item_blocks(ctx: StubContext, module: str, contact_id: int, only_mine: Any) -> list[dict]:
    """The 1-3 T3 blocks: related items, then Quotes and Invoice lines if those tabs are on."""
    ids = vis.entity_set(ctx, contact_id, module, only_mine)
    sources = [_related_items(ctx, module, ids)]
    for tab, table in (("Quotes", "quotes"), ("Invoice", "invoices")):
        if vis.module_active(ctx, tab):
            sources.append(_line_items(ctx, module, table, ids))
    blocks = []
    for rows in sources:
        labels, cells = render_table(ctx, module, T3_COLUMNS[module], rows)
        blocks.append(fmt.t3_block(module, labels, cells))
    return blocks


def _item_list(ctx: StubContext, module: str, contact_id: Any, session_id: Any,
               only_mine: Any) -> Any:
    refusal = module_refusal(ctx, module, contact_id, session_id)
    if refusal is not None:
        return refusal.answer
    return item_blocks(ctx, module, vis.parse_id(contact_id), only_mine)


@operation("get_product_list_values", returns="array", required=3)
def get_product_list_values(ctx: StubContext, id: Any, block: Any, sessionid: Any,
                            only_mine: Any = "true") -> Any:
    """The contact's products as shape T3 (related / on quotes / on invoices)."""
    return _item_list(ctx, "Products", id, sessionid, only_mine)


@operation("get_service_list_values", returns="array", required=3)
def get_service_list_values(ctx: StubContext, id: Any, module: Any, sessionid: Any,
                            only_mine: Any = "true") -> Any:
    """The contact's services as shape T3 (related / on quotes / on invoices)."""
    return _item_list(ctx, "Services", id, sessionid, only_mine)
