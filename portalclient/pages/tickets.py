"""Tickets: list, filters, CSV export, new ticket, detail, comments, attachments, close.

Views load through ``ticket_list``, ``ticket_detail`` and ``ticket_form`` and never speak SOAP.
Every action on one ticket loads it first (get_details checks the customer may see it), because
the CRM itself checks nothing on comment, close, upload or download (PROTOCOL 6.4).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portalclient.cache import get_cache
from portalclient.crm.models import CrmSession, FileUnavailable
from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages.common import module_page, paginate
from portalclient.pages.files import UploadRejected, download_response, read_uploads
from portalclient.pages.ticket_detail import (TicketState, load_page, load_ticket)
from portalclient.pages.ticket_files import attach_all, file_size, listed_file
from portalclient.pages.ticket_form import form_error, load_choices, new_ticket, read_form
from portalclient.pages.ticket_list import HELPDESK, PICKLISTS, load_listing, tickets_csv
from portalclient.session import current_customer, require_csrf

log = logging.getLogger(__name__)

bp = Blueprint("tickets", __name__)

FILES_FIELD = "files"
#: The list arguments the CSV export repeats (everything that shapes the list except paging).
EXPORT_ARGS = ("scope", "state", "q", "sort", "dir", *PICKLISTS)
COMMENT_MISSING = _l("Please write a comment before sending it.")


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, HELPDESK, "tickets.index", _l("Tickets"))


@bp.app_template_filter("file_size")
def _file_size_filter(size: int | None) -> str:
    return file_size(size)


def _session() -> CrmSession:
    """The customer's CRM session (``module_page`` has made sure they are logged in)."""
    return cast(CrmSession, current_customer())


@bp.route("/tickets")
@module_page(HELPDESK)
def index():
    """The CRM's ticket list: tabs, Mine/All, filters, search, sort, paging."""
    listing = load_listing(_session())
    export_args = {key: value for key, value in request.args.items() if key in EXPORT_ARGS}
    return render_template("tickets/index.html", listing=listing, page=paginate(listing.rows),
                           export_url=url_for(".export", **export_args))


@bp.route("/tickets/export.csv")
@module_page(HELPDESK)
def export():
    """The list as filtered and sorted on screen, every page, as CSV."""
    listing = load_listing(_session())
    name = f"tickets-{dt.date.today().isoformat()}.csv"
    response = Response(tickets_csv(listing.tickets.columns, listing.rows),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/tickets/new", methods=["GET", "POST"])
@module_page(HELPDESK)
def new():
    """Raise a ticket; files chosen in the form are attached once it exists."""
    if request.method == "POST":
        require_csrf()
    session = _session()
    choices = load_choices(session)
    if request.method == "GET":
        return render_template("tickets/new.html", choices=choices, error=None,
                               values={"project": request.args.get("project", "")})
    values = read_form(request.form)
    error = form_error(values, choices)
    uploads = []
    if error is None:
        try:
            uploads = read_uploads(FILES_FIELD)
        except UploadRejected as exc:
            error = exc.message
    if error is not None:
        return render_template("tickets/new.html", choices=choices, error=error,
                               values=values), 400
    ticket_id = get_crm().create_ticket(session, new_ticket(values))
    _after_upload(session, ticket_id, uploads, _("Your ticket has been created."))
    return redirect(url_for(".detail", record_id=ticket_id))


def _after_upload(session: CrmSession, ticket_id: str, uploads: list, done: str) -> None:
    """Attach the files, forget the customer's cached answers, and say how it went."""
    failed = attach_all(session, ticket_id, uploads)
    get_cache().forget_customer(session.contact_id)
    flash(done, "info")
    if failed:
        flash(ngettext("This file could not be attached: %(names)s. Please try again.",
                       "These files could not be attached: %(names)s. Please try again.",
                       len(failed), names=", ".join(failed)), "warning")


@bp.route("/tickets/<int:record_id>")
@module_page(HELPDESK)
def detail(record_id: int):
    """One ticket: fields in the CRM's blocks, comments, attachments, close."""
    session = _session()
    return _render_detail(session, load_ticket(session, str(record_id)))


def _render_detail(session: CrmSession, ticket: TicketState, status: int = 200,
                   **form_state: Any):
    """The detail page; ``form_state`` re-shows a rejected comment or upload."""
    context = {"comment_text": "", "comment_error": None, "upload_error": None, **form_state}
    return render_template("tickets/detail.html", page=load_page(session, ticket),
                           **context), status


@bp.route("/tickets/<int:record_id>/comments", methods=["POST"])
@module_page(HELPDESK)
def comment(record_id: int):
    """Add the customer's comment while the ticket is open."""
    require_csrf()
    session = _session()
    ticket = load_ticket(session, str(record_id))
    text = request.form.get("comment", "")
    if ticket.is_closed:
        flash(_("This ticket is closed, so it cannot get new comments."), "error")
        return redirect(url_for(".detail", record_id=record_id))
    if not text.strip():
        return _render_detail(session, ticket, 400, comment_text=text,
                              comment_error=str(COMMENT_MISSING))
    get_crm().add_ticket_comment(session, ticket.record_id, text.strip())
    get_cache().forget_customer(session.contact_id)
    flash(_("Your comment has been added."), "info")
    return redirect(url_for(".detail", record_id=record_id, _anchor="comments"))


@bp.route("/tickets/<int:record_id>/files", methods=["POST"])
@module_page(HELPDESK)
def upload(record_id: int):
    """Attach one or more files to the ticket."""
    require_csrf()
    session = _session()
    ticket = load_ticket(session, str(record_id))
    get_crm().ticket_attachments(session, ticket.record_id)  # Documents off -> 404
    try:
        uploads = read_uploads(FILES_FIELD, required=True)
    except UploadRejected as exc:
        return _render_detail(session, ticket, 400, upload_error=exc.message)
    _after_upload(session, ticket.record_id, uploads,
                  ngettext("%(num)d file sent.", "%(num)d files sent.", len(uploads)))
    return redirect(url_for(".detail", record_id=record_id, _anchor="attachments"))


@bp.route("/tickets/<int:record_id>/files/<int:file_id>")
@module_page(HELPDESK)
def attachment(record_id: int, file_id: int):
    """Download a file listed on the ticket (``?name=`` is its stored name)."""
    session = _session()
    attachments = get_crm().ticket_attachments(session, str(record_id))
    found = listed_file(attachments, str(file_id), request.args.get("name", ""))
    if found is None:
        abort(404)
    try:
        content = get_crm().ticket_file(session, str(record_id), found.file_id, found.filename)
    except FileUnavailable:
        abort(404)
    return download_response(content, fallback_name="attachment")


@bp.route("/tickets/<int:record_id>/close", methods=["POST"])
@module_page(HELPDESK)
def close(record_id: int):
    """Close the ticket, if the CRM lets this customer close it."""
    require_csrf()
    session = _session()
    ticket = load_ticket(session, str(record_id))
    if ticket.is_closed:
        flash(_("This ticket is already closed."), "info")
        return redirect(url_for(".detail", record_id=record_id))
    if not ticket.can_close:
        abort(403)
    get_crm().close_ticket(session, ticket.record_id)
    get_cache().forget_customer(session.contact_id)
    flash(_("The ticket has been closed."), "info")
    return redirect(url_for(".detail", record_id=record_id))
