"""Documents: list, detail, download, upload (as an attachment to one of the customer's tickets)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portalclient.crm.models import FileUnavailable, RecordTable
from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages import customer_lists
from portalclient.pages import documents_rows as rows
from portalclient.pages import documents_upload as uploads
from portalclient.pages.common import (list_scope, matches, module_page, paginate, require_module,
                                       search_query, sort_order, sorted_by)
from portalclient.pages.files import download_response
from portalclient.session import current_customer, require_csrf

log = logging.getLogger(__name__)

bp = Blueprint("documents", __name__)

DOCUMENTS = rows.DOCUMENTS
TICKETS = "HelpDesk"


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, DOCUMENTS, "documents.index", _l("Documents"))


def checked_id(record_id: str) -> str:
    """A record id from the URL: digits only, else 404."""
    if not record_id.isdigit():
        abort(404)
    return record_id


def document_table(only_mine: bool) -> RecordTable:
    """The customer's Documents list (cached per CRM session, ``customer_lists``)."""
    return customer_lists.records(current_customer(), DOCUMENTS, only_mine=only_mine)


@bp.route("/documents")
@module_page(DOCUMENTS)
def index():
    """Mine/All, local search, sort by any column, paging; one row per document."""
    scope = list_scope(DOCUMENTS)
    table = document_table(scope.only_mine)
    found = rows.document_rows(table)
    query = search_query()
    if query:
        found = [row for row in found if matches(query, row.texts())]
    order = sort_order([str(index) for index in range(len(table.columns))])
    if order.column:
        found = sorted_by(found, lambda row: row.text(int(order.column)), order.descending)
    return render_template("documents/index.html", table=table, page=paginate(found),
                           scope=scope, query=query, order=order)


@bp.route("/documents/<record_id>")
@module_page(DOCUMENTS)
def detail(record_id: str):
    """The document's fields in the CRM's blocks, with a download (or open-link) button."""
    document = get_crm().record(current_customer(), DOCUMENTS, checked_id(record_id))
    return render_template("documents/detail.html", document=document,
                           heading=rows.heading_of(document),
                           blocks=rows.detail_blocks(document),
                           file_action=rows.file_action(document))


@bp.route("/documents/<record_id>/download")
@module_page(DOCUMENTS)
def download(record_id: str):
    """The document's file; the CRM counts the download (PROTOCOL 4.25)."""
    record_id = checked_id(record_id)
    try:
        content = get_crm().document_file(current_customer(), DOCUMENTS, record_id)
    except FileUnavailable:
        flash(_("This document has no file to download."), "warning")
        return redirect(url_for("documents.detail", record_id=record_id))
    return download_response(content, fallback_name=f"document-{record_id}")


@bp.route("/documents/<record_id>/open", endpoint="open")
@module_page(DOCUMENTS)
def open_link(record_id: str):
    """Count a view of a document stored as a link, then go to the URL the CRM has for it."""
    record_id = checked_id(record_id)
    document = get_crm().record(current_customer(), DOCUMENTS, record_id)
    url = rows.external_url(document)
    if url is None:
        abort(404)
    get_crm().count_download(record_id)
    return redirect(url)


@bp.route("/documents/upload", methods=["GET", "POST"])
@module_page(DOCUMENTS)
def upload():
    """Add files to one of the customer's open tickets: the CRM's only way to create a document."""
    if request.method == "POST":
        require_csrf()
    require_module(TICKETS)
    tickets = uploads.open_tickets(current_customer())
    if request.method == "GET":
        return uploads.render_form(tickets, request.args.get("ticket", ""))
    return uploads.submit(tickets)
