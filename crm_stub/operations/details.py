"""``get_details`` and ``get_invoice_detail``: one record as shape D (PROTOCOL 4.20, 4.26).

Which fields appear, with which label and block, comes from the ``portal_fields`` table (the
stub's vtiger_field); each field's ``kind`` picks a renderer from ``FORMATTERS``.

Stub extension: ``get_details(id, 'ServiceContracts', …)``. No real CRM has a ServiceContracts
portal tab, so a real one refuses (``#NOT AUTHORIZED#``, or HTTP 500). The stub answers for the
contracts get_combo_values offers the contact (``sc_related_to`` in the contact's HelpDesk entity
set, CRM module enabled), with the fields of ``CONTRACT_FIELDS``, so the portal's contract page
has something to show; everything else keeps the real order of checks. Setting the preference
``service_contract_details`` (portal_prefs) to ``refuse`` turns the extension off, so the stub
answers ``#NOT AUTHORIZED#`` like a real CRM.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Sequence

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations import visibility as vis
from crm_stub.operations.records import (hidden_fieldnames, load_record, party_anchor,
                                         record_label, record_refusal, contact_name)
from crm_stub.operations.registry import operation

log = logging.getLogger(__name__)

#: Modules get_details answers for; any other permitted module makes the real CRM fail (500).
DETAIL_MODULES = ("Quotes", "Documents", "HelpDesk", "Services", "Contacts", "Accounts",
                  "Products", "Assets", "Project")
SERVICE_CONTRACT_BLOCK = "Service Contract Details"
#: The portal_prefs key that, set to 'refuse', turns the ServiceContracts extension off.
CONTRACT_DETAILS_PREF = "service_contract_details"
#: (label, block, fieldname, kind) of a service contract in the stub's get_details extension.
CONTRACT_FIELDS = tuple((label, SERVICE_CONTRACT_BLOCK, name, kind) for label, name, kind in (
    ("Subject", "subject", "text"), ("Contract No", "contract_no", "text"),
    ("Assigned To", "owner_id", "owner"), ("Related to", "related_to", "linked"),
    ("Type", "contract_type", "text"), ("Status", "status", "text"),
    ("Start Date", "start_date", "text"), ("Due date", "due_date", "text"),
    ("Tracking Unit", "tracking_unit", "text"), ("Total Units", "total_units", "dec2"),
    ("Used Units", "used_units", "dec2"), ("Created Time", "created", "text"),
    ("Modified Time", "modified", "text")))
Renderer = Callable[[StubContext, dict, Any], Any]


def _decimals(places: int) -> Renderer:
    return lambda ctx, row, value: f"{float(value or 0):.{places}f}"


def _filesize(ctx: StubContext, row: dict, value: Any) -> str:
    """vtiger's Documents size display: '163 B', '1.5 KB', '2.25 MB', '--' when unknown."""
    size = int(value or 0)
    if size <= 0:
        return "--"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{fmt.php_float_str(fmt.php_round(size / 1024, 2))} KB"
    return f"{fmt.php_float_str(fmt.php_round(size / 1024 / 1024, 2))} MB"


def _document_file(ctx: StubContext, row: dict, value: Any) -> str:
    """File Name of a document: download anchor (space before '>') or external URL anchor."""
    if row["location_type"] == "E":
        return fmt.external_anchor(row["id"], row["url"]) if row["url"] else ""
    if not value:
        return ""
    href = (f"index.php?downloadfile=true&folderid={row['folder']}&filename={value}"
            f"&module=Documents&action=index&id={row['id']}")
    return f'<a href="{href}" >{fmt.htmlentities(value)}</a>'


def _folder(ctx: StubContext, row: dict, value: Any) -> str:
    return fmt.htmlentities(ctx.store.scalar("SELECT name FROM folders WHERE id = ?", (value,)))


def _ticket_status(ctx: StubContext, row: dict, value: Any) -> str:
    """The status, blanked unless the caller may close the ticket (PROTOCOL 4.20)."""
    return fmt.htmlentities(value) if vis.may_close_ticket(ctx, row["_caller"], row["id"]) else ""


FORMATTERS: dict[str, Renderer] = {
    "text": lambda ctx, row, value: fmt.htmlentities(value),
    "raw": lambda ctx, row, value: fmt.to_php_string(value),
    "null": lambda ctx, row, value: None,
    "int": lambda ctx, row, value: int(value or 0),
    "dec2": _decimals(2), "dec3": _decimals(3), "dec5": _decimals(5), "dec8": _decimals(8),
    "yesno": lambda ctx, row, value: "Yes" if value in (1, "1", True) else "No",
    "owner": lambda ctx, row, value: ctx.store.owner_name(value),
    "account": lambda ctx, row, value: (
        fmt.account_anchor(value, record_label(ctx, value)) if value else ""),
    "contact": lambda ctx, row, value: (
        fmt.contact_anchor(value, contact_name(ctx, value)) if value else ""),
    "product": lambda ctx, row, value: fmt.product_anchor(value or 0, record_label(ctx, value)),
    "price": lambda ctx, row, value: fmt.currency_amount(value or 0, row.get("currency", "EUR")),
    "quote_subject": lambda ctx, row, value: fmt.quote_detail_anchor(row["id"], value),
    "invoice_subject": lambda ctx, row, value: fmt.invoice_detail_anchor(row["id"], value),
    "doc_file": _document_file,
    "folder": _folder,
    "filesize": _filesize,
    "location": lambda ctx, row, value: {"I": "Internal", "E": "External"}.get(value, "---"),
    "product_name": lambda ctx, row, value: fmt.htmlentities(record_label(ctx, value)),
    "account_name": lambda ctx, row, value: fmt.htmlentities(record_label(ctx, value)),
    "invoice_name": lambda ctx, row, value: fmt.htmlentities(record_label(ctx, value)),
    "linked": lambda ctx, row, value: party_anchor(ctx, value),
    "ticket_status": _ticket_status,
}


def field_values(ctx: StubContext, module: str, row: dict) -> list[tuple[str, str, Any]]:
    """(label, block, rendered value) of every portal field of ``module`` not hidden."""
    fields = ctx.store.query(
        "SELECT label, block, fieldname, kind FROM portal_fields WHERE module = ? ORDER BY rowid",
        (module,))
    return render_fields(ctx, module, row, [tuple(field) for field in fields])


def render_fields(ctx: StubContext, module: str, row: dict,
                  fields: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str, Any]]:
    """(label, block, rendered value) of each (label, block, fieldname, kind) not hidden."""
    hidden = hidden_fieldnames(ctx, module)
    return [(label, block, FORMATTERS[kind](ctx, row, row.get(fieldname)))
            for label, block, fieldname, kind in fields if fieldname not in hidden]


def service_contract_fields(ctx: StubContext, ticket_id: int) -> list[tuple[str, str, Any]]:
    """Four pseudo-fields per service contract related to the ticket (PROTOCOL 4.20)."""
    contracts = ctx.store.query(
        "SELECT s.subject, s.used_units, s.total_units FROM service_contracts s"
        " JOIN entities e ON e.id = s.id AND e.deleted = 0"
        " WHERE s.id IN (SELECT crmid FROM relations WHERE relcrmid = ?"
        "                UNION SELECT relcrmid FROM relations WHERE crmid = ?) ORDER BY s.id",
        (ticket_id, ticket_id))
    values = []
    for contract in contracts:
        used, total = float(contract["used_units"]), float(contract["total_units"])
        values += [("Subject", SERVICE_CONTRACT_BLOCK, fmt.htmlentities(contract["subject"])),
                   ("Used Units", SERVICE_CONTRACT_BLOCK, f"{used:.2f}"),
                   ("Total Units", SERVICE_CONTRACT_BLOCK, f"{total:.2f}"),
                   ("Available Units", SERVICE_CONTRACT_BLOCK, total - used)]
    return values


@operation("get_details", returns="array", required=4)
def get_details(ctx: StubContext, id: Any, block: Any, contactid: Any, sessionid: Any) -> Any:
    """One record of a portal module as shape D.

    ``block='Invoice'`` (and any other module outside DETAIL_MODULES) crashes the real CRM with
    HTTP 500; the stub answers ``['#NOT AUTHORIZED#']`` instead, after the session check.
    """
    if block == "ServiceContracts":
        return contract_details(ctx, id, contactid, sessionid)
    refusal = record_refusal(ctx, contactid, block, id, sessionid)
    if refusal is not None:
        return refusal.answer
    if block not in DETAIL_MODULES:
        log.info("get_details for unsupported module %r", block)
        return fmt.not_authorized()
    row = load_record(ctx, block, vis.parse_id(id))
    row["_caller"] = vis.parse_id(contactid)
    values = field_values(ctx, block, row)
    if block == "HelpDesk":
        values += service_contract_fields(ctx, row["id"])
    return fmt.detail_blocks(block, values)


def may_see_contract(ctx: StubContext, contact_id: Any, contract_id: Any) -> bool:
    """Stub rule: an existing contract whose sc_related_to is in the HelpDesk entity set."""
    if ctx.store.pref(CONTRACT_DETAILS_PREF) == "refuse":
        return False
    contact, contract = vis.parse_id(contact_id), vis.parse_id(contract_id)
    if contact is None or contract is None or not vis.crm_module_enabled(ctx, "ServiceContracts"):
        return False
    if vis.record_module(ctx, contract) != "ServiceContracts":
        return False
    related = ctx.store.scalar("SELECT related_to FROM service_contracts WHERE id = ?",
                               (contract,))
    return vis.is_lax(ctx) or related in vis.entity_set(ctx, contact, "HelpDesk")


def contract_details(ctx: StubContext, contract_id: Any, contact_id: Any,
                     session_id: Any) -> Any:
    """The stub extension for one service contract: permission, then session, then shape D."""
    if not may_see_contract(ctx, contact_id, contract_id):
        return fmt.not_authorized()
    if not vis.valid_session(ctx, contact_id, session_id):
        return None
    row = load_record(ctx, "ServiceContracts", vis.parse_id(contract_id))
    return fmt.detail_blocks("ServiceContracts",
                             render_fields(ctx, "ServiceContracts", row, CONTRACT_FIELDS))


@operation("get_invoice_detail", returns="array", required=4)
def get_invoice_detail(ctx: StubContext, id: Any, block: Any, contactid: Any,
                       sessionid: Any) -> Any:
    """An invoice as shape D with keys fieldlabel, fieldvalue, blockname (PROTOCOL 4.26)."""
    refusal = record_refusal(ctx, contactid, block, id, sessionid)
    if refusal is not None:
        return refusal.answer
    if block != "Invoice":
        return fmt.not_authorized()
    row = load_record(ctx, "Invoice", vis.parse_id(id))
    return fmt.detail_blocks("Invoice", field_values(ctx, "Invoice", row), value_before_block=True)
