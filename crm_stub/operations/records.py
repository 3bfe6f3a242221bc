"""Shared record helpers for the record-module operations, and ``get_pdf``.

The helpers load a record with its crmentity columns, name and anchor the records it points to,
and apply the berliCRM order of checks (permission or module first, then the session).

Stub extension for testing PDF failures: the global preference ``pdf_unavailable``
(portal_prefs) lists quote/invoice numbers, separated by commas or spaces, whose PDF the stub
"cannot render"; get_pdf then answers ``[]`` as the real CRM does when CreatePDF.php fails
(PROTOCOL 4.24). ``*`` makes every PDF fail.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from fpdf.errors import FPDFException

from crm_stub import pdf
from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations import visibility as vis
from crm_stub.operations.registry import operation
from crm_stub.store import full_name

log = logging.getLogger(__name__)

#: The store table behind each module a record operation reads.
MODULE_TABLES = {
    "HelpDesk": "tickets", "Contacts": "contacts", "Accounts": "accounts",
    "Products": "products", "Services": "services", "Documents": "documents",
    "Quotes": "quotes", "Invoice": "invoices", "Assets": "assets", "Project": "projects",
    "ProjectTask": "project_tasks", "ProjectMilestone": "project_milestones",
    "ServiceContracts": "service_contracts", "Faq": "faqs",
}

#: The portal_prefs key listing quote/invoice numbers whose PDF fails (see the module docstring).
PDF_UNAVAILABLE_PREF = "pdf_unavailable"

#: The company printed on quotes and invoices unless portal_prefs has 'company_name'.
DEFAULT_COMPANY = ("Stub CRM Demo Company", "Hauptstrasse 1", "10115 Berlin", "Germany")


@dataclass(frozen=True)
class Refusal:
    """An answer given instead of the operation's result (sentinel list or None)."""

    answer: Any


def record_refusal(ctx: StubContext, contact_id: Any, module: Any, record_id: Any,
                   session_id: Any) -> Refusal | None:
    """check_permission, then the session (PROTOCOL 4.20 order); None when both pass."""
    if not vis.check_permission(ctx, contact_id, module, record_id):
        return Refusal(fmt.not_authorized())
    if not vis.valid_session(ctx, contact_id, session_id):
        return Refusal(None)
    return None


def module_refusal(ctx: StubContext, module: Any, contact_id: Any,
                   session_id: Any) -> Refusal | None:
    """Module active (else ``#MODULE INACTIVE#``), then the session (else None)."""
    if not vis.module_active(ctx, module):
        return Refusal(fmt.module_inactive())
    if not vis.valid_session(ctx, contact_id, session_id):
        return Refusal(None)
    return None


def load_record(ctx: StubContext, module: str, record_id: int) -> dict[str, Any] | None:
    """A non-deleted record of ``module`` with owner_id, created and modified merged in."""
    table = MODULE_TABLES[module]
    row = ctx.store.query_one(
        f"SELECT r.*, e.owner_id, e.created, e.modified FROM {table} r"
        f" JOIN entities e ON e.id = r.id AND e.deleted = 0 WHERE r.id = ?", (record_id,))
    return dict(row) if row is not None else None


def contact_name(ctx: StubContext, contact_id: Any) -> str:
    """'First Last' of a contact, '' if unknown."""
    row = ctx.store.query_one("SELECT firstname, lastname FROM contacts WHERE id = ?",
                              (contact_id,))
    if row is None:
        return ""
    return full_name(row["firstname"], row["lastname"])


def record_label(ctx: StubContext, record_id: Any) -> str:
    """The display name of an account, contact, product, service or invoice."""
    module = vis.record_module(ctx, record_id) if record_id else None
    if module == "Contacts":
        return contact_name(ctx, record_id)
    column = {"Accounts": "name", "Products": "name", "Services": "name",
              "Invoice": "subject", "Quotes": "subject", "Project": "name"}.get(module or "")
    if column is None:
        return ""
    table = MODULE_TABLES[module]
    return ctx.store.scalar(f"SELECT {column} FROM {table} WHERE id = ?", (record_id,)) or ""


def party_anchor(ctx: StubContext, record_id: Any) -> str:
    """A Contacts or Accounts anchor for ``record_id`` (by its module), '' otherwise."""
    module = vis.record_module(ctx, record_id) if record_id else None
    if module == "Contacts":
        return fmt.contact_anchor(record_id, contact_name(ctx, record_id))
    if module == "Accounts":
        return fmt.account_anchor(record_id, record_label(ctx, record_id))
    return ""


def related_party(row: dict[str, Any], ids: set[int]) -> int | None:
    """Which of a quote's/invoice's contact or account made it visible (contact first)."""
    if row.get("contact_id") in ids:
        return row["contact_id"]
    if row.get("account_id") in ids:
        return row["account_id"]
    return row.get("contact_id") or row.get("account_id")


def hidden_fieldnames(ctx: StubContext, module: str) -> set[str]:
    """Fields hidden from the portal user's profile for ``module``."""
    rows = ctx.store.query("SELECT fieldname FROM hidden_fields WHERE module = ?", (module,))
    return {row["fieldname"] for row in rows}


# ---- get_pdf --------------------------------------------------------------------------------

def _pdf_lines(ctx: StubContext, parent_id: int) -> tuple[pdf.PdfLine, ...]:
    rows = ctx.store.query(
        "SELECT item_id, quantity, list_price, discount_percent, comment FROM inventory_lines"
        " WHERE parent_id = ? ORDER BY sequence", (parent_id,))
    lines = []
    for row in rows:
        gross = row["quantity"] * row["list_price"]
        amount = fmt.php_round(gross * (1 - row["discount_percent"] / 100), 2)
        lines.append(pdf.PdfLine(record_label(ctx, row["item_id"]), row["quantity"],
                                 row["list_price"], row["discount_percent"], amount,
                                 row["comment"]))
    return tuple(lines)


def _customer_lines(ctx: StubContext, record: dict[str, Any]) -> tuple[str, ...]:
    names = (record_label(ctx, record.get("account_id")),
             contact_name(ctx, record.get("contact_id")))
    address = (record["bill_street"], f"{record['bill_code']} {record['bill_city']}".strip(),
               record["bill_country"])
    return tuple(text for text in (*names, *address) if text)


def pdf_document(ctx: StubContext, module: str, record: dict[str, Any]) -> pdf.PdfDocument:
    """The printable view of a quote or invoice record."""
    company = ctx.store.pref("company_name")
    is_invoice = module == "Invoice"
    return pdf.PdfDocument(
        kind="Invoice" if is_invoice else "Quote",
        number=record["invoice_no" if is_invoice else "quote_no"],
        subject=record["subject"],
        issued=(record["invoice_date"] if is_invoice else "") or record["created"][:10],
        company=(company,) if company else DEFAULT_COMPANY,
        customer=_customer_lines(ctx, record),
        currency=record["currency"], subtotal=record["subtotal"],
        tax_percent=record["tax_percent"], total=record["total"],
        lines=_pdf_lines(ctx, record["id"]),
        status=record["status" if is_invoice else "stage"])


def pdf_marked_unavailable(ctx: StubContext, module: str, record: dict[str, Any]) -> bool:
    """Whether the ``pdf_unavailable`` preference names this quote/invoice (or is ``*``)."""
    marked = set(ctx.store.pref(PDF_UNAVAILABLE_PREF).replace(",", " ").split())
    number = record["invoice_no" if module == "Invoice" else "quote_no"]
    return "*" in marked or number in marked


@operation("get_pdf", returns="array", required=4)
def get_pdf(ctx: StubContext, id: Any, block: Any, contactid: Any, sessionid: Any) -> Any:
    """A quote's or invoice's PDF as ``[base64]``; ``[]`` when it cannot be produced."""
    refusal = record_refusal(ctx, contactid, block, id, sessionid)
    if refusal is not None:
        return refusal.answer
    if block not in ("Quotes", "Invoice"):
        return []
    record = load_record(ctx, block, vis.parse_id(id))
    if pdf_marked_unavailable(ctx, block, record):
        log.info("PDF for %s %s marked unavailable", block, id)
        return []
    try:
        data = pdf.render_pdf(pdf_document(ctx, block, record))
    except (FPDFException, OSError, ValueError) as exc:  # the CRM answers 'failure' -> []
        log.warning("PDF for %s %s failed: %s", block, id, exc)
        return []
    return [base64.b64encode(data).decode("ascii")]
