"""The customer's own contact and company, and colleagues the CRM shows."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages.common import matches, module_page, paginate, search_query
from portalclient.pages.company_data import (ACCOUNTS, CONTACTS, colleague_rows, contact_name,
                                             filled, organization_name, own_account_id,
                                             visible_contacts)
from portalclient.session import current_customer

bp = Blueprint("company", __name__)


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, CONTACTS, "company.index", _l("Contacts"))
    register_module_page(state.app, ACCOUNTS, "company.my_account", _l("Organization"))


@bp.route("/contacts")
@module_page(CONTACTS)
def index():
    """The customer's contact card, then the colleagues the CRM shows, searched and paged."""
    crm, session = get_crm(), current_customer()
    me = crm.record(session, CONTACTS, session.contact_id)
    table = visible_contacts(session)
    query = search_query()
    colleagues = [row for row in colleague_rows(table, session.contact_id)
                  if matches(query, (cell.text for cell in row))]
    return render_template(
        "company/index.html", card=filled(me, first_block_only=True), table=table, query=query,
        my_name=contact_name(table, session.contact_id) or session.user_name,
        page=paginate(colleagues))


@bp.route("/contacts/<int(min=1):record_id>")
@module_page(CONTACTS)
def contact(record_id: int):
    """One contact as the CRM shows it (the CRM refuses contacts the customer may not see)."""
    crm, session, contact_id = get_crm(), current_customer(), str(record_id)
    detail = crm.record(session, CONTACTS, contact_id)
    name = contact_name(visible_contacts(session), contact_id)
    is_me = contact_id == session.contact_id
    heading = _("My contact details") if is_me else name or _("Contact")
    return render_template("company/contact.html", contact=filled(detail), heading=heading,
                           name=name, is_me=is_me)


@bp.route("/company")
@module_page(ACCOUNTS)
def my_account():
    """The customer's own organization, or an empty state for a contact without one."""
    account_id = own_account_id(current_customer())
    if account_id is None:
        return render_template("company/account.html", account=None, name="")
    return account_page(account_id)


@bp.route("/company/<int(min=1):record_id>")
@module_page(ACCOUNTS)
def account(record_id: int):
    """An organization by id: the CRM only lets a contact read their own."""
    return account_page(str(record_id))


def account_page(account_id: str):
    """The organization's fields in the CRM's blocks, empty ones left out."""
    detail = get_crm().record(current_customer(), ACCOUNTS, account_id)
    return render_template("company/account.html", account=filled(detail),
                           name=organization_name(detail))
