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

from portalclient.cache import get_cache
from portalclient.crm.models import CrmSession, FileUnavailable
from portalclient.crm_access import get_crm
from portalclient.drafts import (ALREADY_SENT, FOUND_SENT, ResendField, Submission,
                                 already_sent, found_among_new, go_to_result, init_drafts,
                                 may_have_arrived, read_submission, register_resend,
                                 submission_token, writing)
from portalclient.errors import send_keeping_typed
from portalclient.home import register_module_page
from portalclient.pages.common import module_page, paginate
from portalclient.pages.files import UploadRejected, download_response, read_uploads
from portalclient.pages.ticket_detail import (TicketState, load_page, load_ticket)
from portalclient.pages.ticket_files import attach_all, file_size, listed_file
from portalclient.pages.ticket_form import (CHOICE_FIELDS, FIELD_LABELS, find_sent_ticket,
                                           form_error, load_choices, new_ticket,
                                           newest_ticket_id, read_form)
from portalclient.pages.ticket_list import HELPDESK, PICKLISTS, load_listing, tickets_csv
from portalclient.pages.trans_digits import plural_text as ngettext
from portalclient.session import current_customer, require_csrf

log = logging.getLogger(__name__)

bp = Blueprint("tickets", __name__)

FILES_FIELD = "files"
#: The list arguments the CSV export repeats (everything that shapes the list except paging).
EXPORT_ARGS = ("scope", "state", "q", "sort", "dir", *PICKLISTS)
COMMENT_MISSING = _l("Please write a comment before sending it.")
NEW_DRAFT = "ticket-new"


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, HELPDESK, "tickets.index", _l("Tickets"))
    init_drafts(state.app)
    register_resend(state.app, "tickets.new", (
        ResendField("title", _l("Title")),
        ResendField("description", _l("Description"), multiline=True),
        *(ResendField(name, FIELD_LABELS[name], visible=False) for name in CHOICE_FIELDS)))
    register_resend(state.app, "tickets.comment",
                    (ResendField("comment", _l("Add a comment"), multiline=True),))


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
    session = _session()
    if request.method == "GET":
        return _new_form(load_choices(session), {"project": request.args.get("project", "")},
                         _new_token(session))
    require_csrf()
    submission = read_submission(NEW_DRAFT)
    sent = already_sent(submission)
    if sent is not None:
        return go_to_result(submission, sent, NEW_DRAFT, ALREADY_SENT)
    values = read_form(request.form)
    return send_keeping_typed(
        lambda: _send_ticket(session, values, submission),
        lambda message: _new_form(load_choices(session), values,
                                  _new_token(session, submission), message, 503),
        url_for(".new"))


def _new_token(session: CrmSession, submission: Submission | None = None) -> str:
    """The form's token: the one it was sent with, else a fresh one."""
    if submission is not None:
        return submission.token
    return submission_token(NEW_DRAFT, newest_ticket_id(session))


def _new_form(choices, values: dict, token: str, error: str | None = None, status: int = 200):
    """The New Ticket form with ``values`` filled in and the form's submission token."""
    return render_template("tickets/new.html", choices=choices, error=error, values=values,
                           submission=token, draft=NEW_DRAFT, kept=status == 503), status


def _send_ticket(session: CrmSession, values: dict, submission: Submission | None):
    """Check the form, then create the ticket unless an earlier send already did."""
    choices = load_choices(session)
    error = form_error(values, choices)
    uploads = []
    if error is None:
        try:
            uploads = read_uploads(FILES_FIELD)
        except UploadRejected as exc:
            error = exc.message
    if error is not None:
        return _new_form(choices, values, _new_token(session, submission), error, 400)
    found = None
    if may_have_arrived(submission):
        found = find_sent_ticket(session, values, submission.baseline)
    if found is not None:
        get_cache().forget_customer(session.contact_id)
        return go_to_result(submission, url_for(".detail", record_id=found), NEW_DRAFT,
                            FOUND_SENT)
    with writing(submission):
        ticket_id = get_crm().create_ticket(session, new_ticket(values))
    response = go_to_result(submission, url_for(".detail", record_id=ticket_id), NEW_DRAFT)
    _after_upload(session, ticket_id, uploads, _("Your ticket has been created."))
    return response


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
    """The detail page; ``form_state`` re-shows a rejected comment or upload (and a comment's
    submission token: a fresh one counts the comments shown, the retry's baseline)."""
    page = load_page(session, ticket)
    draft = comment_draft(ticket.record_id)
    context = {"comment_text": "", "comment_error": None, "upload_error": None,
               "comment_submission": None, **form_state}
    if not context["comment_submission"]:
        context["comment_submission"] = submission_token(draft, len(page.comments))
    return render_template("tickets/detail.html", page=page, comment_draft=draft,
                           **context), status


def comment_draft(record_id: str | int) -> str:
    """The draft and submission key of a ticket's comment form."""
    return f"ticket-comment-{record_id}"


@bp.route("/tickets/<int:record_id>/comments", methods=["POST"])
@module_page(HELPDESK)
def comment(record_id: int):
    """Add the customer's comment while the ticket is open (once, however often it is sent)."""
    require_csrf()
    submission = read_submission(comment_draft(record_id))
    sent = already_sent(submission)
    if sent is not None:
        return go_to_result(submission, sent, comment_draft(record_id), ALREADY_SENT)
    session = _session()
    text = request.form.get("comment", "")
    return send_keeping_typed(
        lambda: _check_comment(session, record_id, text, submission),
        lambda message: _render_detail(session, load_ticket(session, str(record_id)), 503,
                                       comment_text=text, comment_error=message,
                                       comment_submission=submission and submission.token),
        url_for(".detail", record_id=record_id))


def _check_comment(session: CrmSession, record_id: int, text: str,
                   submission: Submission | None):
    """Refuse a comment on a closed ticket or an empty one, else send it."""
    ticket = load_ticket(session, str(record_id))
    if ticket.is_closed:
        flash(_("This ticket is closed, so it cannot get new comments."), "error")
        return redirect(url_for(".detail", record_id=record_id))
    if not text.strip():
        return _render_detail(session, ticket, 400, comment_text=text,
                              comment_error=str(COMMENT_MISSING),
                              comment_submission=submission and submission.token)
    return _send_comment(session, ticket, text.strip(), submission)


def _send_comment(session: CrmSession, ticket: TicketState, text: str,
                  submission: Submission | None):
    """Comment unless an earlier send of this form already reached the CRM."""
    crm = get_crm()
    url = url_for(".detail", record_id=ticket.record_id, _anchor="comments")
    if may_have_arrived(submission) and found_among_new(
            [item.text for item in crm.ticket_comments(session, ticket.record_id)],
            submission.baseline, text):
        get_cache().forget_customer(session.contact_id)
        return go_to_result(submission, url, comment_draft(ticket.record_id), FOUND_SENT)
    with writing(submission):
        crm.add_ticket_comment(session, ticket.record_id, text)
    get_cache().forget_customer(session.contact_id)
    return go_to_result(submission, url, comment_draft(ticket.record_id),
                        _("Your comment has been added."))


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
