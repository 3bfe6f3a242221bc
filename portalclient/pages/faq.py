"""FAQ: browse by category and product, search, and articles with comments and documents."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.crm.models import Faq, KnowledgeBase
from portalclient.crm_access import get_crm
from portalclient.drafts import (ALREADY_SENT, FOUND_SENT, ResendField, Submission,
                                 already_sent, found_among_new, go_to_result, init_drafts,
                                 may_have_arrived, read_submission, register_resend,
                                 submission_token, writing)
from portalclient.errors import send_keeping_typed
from portalclient.home import register_module_page
from portalclient.pages import customer_lists, faq_kb
from portalclient.pages.common import module_page, paginate, search_query
from portalclient.pages.documents_rows import DOCUMENTS, document_rows
from portalclient.pages.richtext import init_richtext, summary
from portalclient.session import current_customer, require_csrf

log = logging.getLogger(__name__)

bp = Blueprint("faq", __name__)

FAQ_MODULE = "Faq"
MAX_COMMENT_LENGTH = 4000


@bp.record_once
def _setup(state) -> None:
    register_module_page(state.app, FAQ_MODULE, "faq.index", _l("FAQ"))
    init_richtext(state.app)
    state.app.jinja_env.filters["answer_summary"] = summary
    init_drafts(state.app)
    register_resend(state.app, "faq.comment",
                    (ResendField("comment", _l("Add a comment"), multiline=True),))


def knowledge_base() -> KnowledgeBase:
    """The published FAQs (one cached copy for every customer, PROTOCOL 4.7)."""
    return get_cache().knowledge_base(get_crm(), current_customer())


def requested_filters() -> faq_kb.Filters:
    """``?category=``, ``?product=<id>`` and ``?q=`` (a product id must be digits)."""
    product = request.args.get("product", "").strip()
    if product and not product.isdigit():
        abort(404)
    return faq_kb.Filters(category=request.args.get("category", "").strip(),
                          product=product, query=search_query())


@bp.route("/faq")
@module_page(FAQ_MODULE)
def index():
    """The landing view (topics, recent articles, all articles) or a filtered list."""
    kb = knowledge_base()
    filters = requested_filters()
    page = paginate(faq_kb.selected(kb, filters))
    return render_template(
        "faq/index.html", kb=kb, filters=filters, page=page,
        categories=faq_kb.categories(kb), products=faq_kb.products(kb),
        product_names=faq_kb.product_names(kb),
        recent=[] if filters.active else faq_kb.recent(kb))


def article_or_404(kb: KnowledgeBase, record_id: str) -> Faq:
    """The published FAQ ``record_id`` (digits only), or 404."""
    faq = faq_kb.find(kb, record_id) if record_id.isdigit() else None
    if faq is None:
        abort(404)
    return faq


@bp.route("/faq/<record_id>")
@module_page(FAQ_MODULE)
def detail(record_id: str):
    """One article: answer, dates, comments, related documents and the comment form."""
    kb = knowledge_base()
    return render_article(kb, article_or_404(kb, record_id))


def render_article(kb: KnowledgeBase, faq: Faq, *, comment: str = "", error: str = "",
                   status: int = 200, submission: str = ""):
    """The article page (also re-shown with the customer's comment when it was refused or could
    not be sent); a fresh comment token counts the comments shown, a retry's baseline."""
    comments = newest_first(faq)
    draft = comment_draft(faq.id)
    return render_template(
        "faq/detail.html", faq=faq, comments=comments,
        product_name=faq_kb.product_names(kb).get(faq.product_id or ""),
        documents=related_documents(faq), comment=comment, error=error,
        max_comment_length=MAX_COMMENT_LENGTH, draft=draft,
        submission=submission or submission_token(draft, len(comments))), status


def newest_first(faq: Faq) -> list:
    """The article's comments, newest first."""
    return sorted(faq.comments, key=lambda c: c.created or dt.datetime.min, reverse=True)


def comment_draft(faq_id: str) -> str:
    """The draft and submission key of an article's comment form."""
    return f"faq-comment-{faq_id}"


def related_documents(faq: Faq):
    """The documents attached to the FAQ, or None when the portal has no Documents module."""
    if DOCUMENTS not in get_cache().modules(get_crm()):
        return None
    table = customer_lists.faq_documents(current_customer(), faq.id)
    return table, document_rows(table)


@bp.route("/faq/<record_id>/comments", methods=["POST"])
@module_page(FAQ_MODULE)
def comment(record_id: str):
    """Add an (anonymous) comment; the CRM answers with the new knowledge base, kept at once."""
    require_csrf()
    submission = read_submission(comment_draft(record_id))
    sent = already_sent(submission)
    if sent is not None:
        return go_to_result(submission, sent, comment_draft(record_id), ALREADY_SENT)
    typed = request.form.get("comment", "")
    token = submission.token if submission else ""

    def show_again(message: str):
        kb = knowledge_base()
        return render_article(kb, article_or_404(kb, record_id), comment=typed, error=message,
                              status=503, submission=token)

    return send_keeping_typed(lambda: _check_comment(record_id, typed, submission), show_again,
                              url_for("faq.detail", record_id=record_id))


def _check_comment(record_id: str, typed: str, submission: Submission | None):
    """Refuse an empty or too long comment, else send it."""
    kb = knowledge_base()
    faq = article_or_404(kb, record_id)
    error = comment_error(typed.strip())
    if error:
        return render_article(kb, faq, comment=typed, error=error, status=400,
                              submission=submission.token if submission else "")
    return _send_comment(faq, typed.strip(), submission)


def _send_comment(faq: Faq, text: str, submission: Submission | None):
    """Comment unless an earlier send of this form already reached the CRM."""
    crm = get_crm()
    url = url_for("faq.detail", record_id=faq.id, _anchor="comments")
    if may_have_arrived(submission):
        fresh = crm.knowledge_base(current_customer())
        get_cache().replace_knowledge_base(fresh)
        now = faq_kb.find(fresh, faq.id) or faq
        if found_among_new([item.text for item in newest_first(now)], submission.baseline,
                           text):
            return go_to_result(submission, url, comment_draft(faq.id), FOUND_SENT)
    with writing(submission):
        get_cache().replace_knowledge_base(crm.add_faq_comment(current_customer(), faq.id,
                                                               text))
    return go_to_result(submission, url, comment_draft(faq.id),
                        _("Thank you, your comment has been added."))


def comment_error(text: str) -> str:
    """Why a comment cannot be sent ('' when it can)."""
    if not text:
        return _("Please write a comment first.")
    if len(text) > MAX_COMMENT_LENGTH:
        return _("Please keep your comment under %(count)d characters.",
                 count=MAX_COMMENT_LENGTH)
    return ""
