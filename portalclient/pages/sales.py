"""Invoices and quotes: lists (Mine / All), details with totals and currency, PDF downloads.

get_invoice_detail and get_details(Quotes) carry neither the total nor the line items (see
tests/crm/traces/get_invoice_detail.Invoice.decoded.json): the total comes from the record's row
in the customer's list, and the line items only from the CRM's PDF. The product and service
blocks (PROTOCOL 4.21/4.31) cannot stand in for them: their rows name the contact or organization
a quote or invoice belongs to, not the quote or invoice itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from portalclient.crm.models import FileContent, PdfUnavailable, RecordDetail
from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages.catalog_data import customer_records, list_summary
from portalclient.pages.catalog_tables import list_view, require_record_id
from portalclient.pages.common import list_scope, module_page
from portalclient.pages.files import download_response
from portalclient.session import current_customer

log = logging.getLogger(__name__)

bp = Blueprint("sales", __name__)


@dataclass(frozen=True)
class SalesKind:
    """What differs between the invoice and the quote pages."""

    module: str
    endpoint: str  # the detail endpoint; the list is endpoint + "s", the PDF endpoint + "_pdf"
    file_prefix: str
    title: object
    item_title: object
    empty_text: object
    no_pdf: object

    def detail(self, record_id: str) -> RecordDetail:
        """The record's fields from the CRM (invoices have their own operation)."""
        crm, session = get_crm(), current_customer()
        if self.module == "Invoice":
            return crm.invoice(session, record_id)
        return crm.record(session, self.module, record_id)


INVOICES = SalesKind(
    "Invoice", "invoice", "Invoice", _l("Invoices"), _l("Invoice"),
    _l("There are no invoices for you yet."),
    _l("The support system could not produce a PDF of this invoice. Please try again later."))
QUOTES = SalesKind(
    "Quotes", "quote", "Quote", _l("Quotes"), _l("Quote"),
    _l("There are no quotes for you yet."),
    _l("The support system could not produce a PDF of this quote. Please try again later."))


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, "Invoice", "sales.invoices", _l("Invoices"))
    register_module_page(state.app, "Quotes", "sales.quotes", _l("Quotes"))


@bp.route("/invoices")
@module_page("Invoice")
def invoices():
    """The customer's invoices (or the organization's)."""
    return _list(INVOICES)


@bp.route("/invoices/<record_id>")
@module_page("Invoice")
def invoice(record_id: str):
    """One invoice: total and currency first, then the CRM's blocks."""
    return _detail(INVOICES, record_id)


@bp.route("/invoices/<record_id>/pdf")
@module_page("Invoice")
def invoice_pdf(record_id: str):
    """The invoice as the CRM prints it."""
    return _pdf(INVOICES, record_id)


@bp.route("/quotes")
@module_page("Quotes")
def quotes():
    """The customer's quotes (or the organization's)."""
    return _list(QUOTES)


@bp.route("/quotes/<record_id>")
@module_page("Quotes")
def quote(record_id: str):
    """One quote: total and currency first, then the CRM's blocks."""
    return _detail(QUOTES, record_id)


@bp.route("/quotes/<record_id>/pdf")
@module_page("Quotes")
def quote_pdf(record_id: str):
    """The quote as the CRM prints it."""
    return _pdf(QUOTES, record_id)


def _list(kind: SalesKind):
    scope = list_scope(kind.module)
    view = list_view(customer_records(kind.module, only_mine=scope.only_mine))
    return render_template("sales/list.html", kind=kind, view=view, scope=scope)


def _detail(kind: SalesKind, record_id: str):
    require_record_id(record_id)
    detail = kind.detail(record_id)
    summary = list_summary(kind.module, record_id)
    return render_template("sales/detail.html", kind=kind, detail=detail, summary=summary,
                           record_id=record_id)


def _pdf(kind: SalesKind, record_id: str):
    """Download the PDF; when the CRM cannot render it, back to the detail page with a word."""
    require_record_id(record_id)
    try:
        data = get_crm().pdf(current_customer(), kind.module, record_id)
    except PdfUnavailable:
        log.info("no PDF for %s %s", kind.module, record_id)
        flash(str(kind.no_pdf), "warning")
        return redirect(url_for(f"sales.{kind.endpoint}", record_id=record_id))
    number = list_summary(kind.module, record_id).number or record_id
    fallback = f"{kind.file_prefix}-{record_id}.pdf"
    content = FileContent(f"{kind.file_prefix}-{number}.pdf", "application/pdf", data)
    return download_response(content, fallback_name=fallback, inline=False)
