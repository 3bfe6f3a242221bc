"""Uploading documents: the protocol can only create a document as a ticket attachment
(add_ticket_attachment, PROTOCOL 4.17), so the customer picks one of their open tickets.

The CRM checks neither the ticket's owner nor the file (PROTOCOL 6.4, 6.5): the portal offers
only the customer's own open tickets, refuses any other id, and checks every file itself.
"""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portalclient.cache import get_cache
from portalclient.crm.models import CrmSession, TicketRow
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists
from portalclient.pages.files import UploadRejected, read_uploads
from portalclient.pages.trans_digits import plural_text as ngettext
from portalclient.session import current_customer

log = logging.getLogger(__name__)

FILES_FIELD = "files"
TICKET_FIELD = "ticket_id"


def open_tickets(crm_session: CrmSession) -> list[TicketRow]:
    """The customer's own tickets that are still open (the ones a file may be added to)."""
    ticket_list = customer_lists.tickets(crm_session, only_mine=True)
    return [row for row in ticket_list.rows if not row.is_closed]


def render_form(tickets: list[TicketRow], ticket_id: str, error: str = "", status: int = 200):
    """The upload form, with the ticket the customer chose (or came from) preselected."""
    new_ticket_url = (url_for("tickets.new") if "tickets.new" in current_app.view_functions
                      else None)
    return render_template("documents/upload.html", tickets=tickets, ticket_id=ticket_id,
                           error=error, new_ticket_url=new_ticket_url), status


def submit(tickets: list[TicketRow]):
    """Check the ticket and the files, attach each file, then show the ticket."""
    ticket_id = request.form.get(TICKET_FIELD, "").strip()
    ticket = next((row for row in tickets if row.ticket_id == ticket_id), None)
    if ticket is None:
        return render_form(tickets, ticket_id, _("Please choose one of your open tickets."), 400)
    try:
        files = read_uploads(FILES_FIELD, required=True)
    except UploadRejected as rejected:
        return render_form(tickets, ticket_id, rejected.message, 400)
    crm_session = current_customer()
    try:
        for upload in files:
            get_crm().attach_file(crm_session, ticket.ticket_id, upload.filename,
                                  upload.content_type, upload.data)
    finally:
        get_cache().forget_customer(crm_session.contact_id)
    flash(ngettext("%(num)d file was added to ticket %(ticket)s.",
                   "%(num)d files were added to ticket %(ticket)s.", len(files),
                   ticket=ticket.number), "info")
    return redirect(url_for("tickets.detail", record_id=ticket.ticket_id))
