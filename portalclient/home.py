"""The customer's start page (blueprint ``home``) and the module menu every page shows.

The start page greets the customer by the name the ticket list links to their contact (no extra
CRM call: the login only knows their e-mail), lists open and closed tickets, and offers quick
actions for the modules the CRM enables and the portal has pages for.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from flask import (Blueprint, Flask, current_app, render_template, request, url_for)
from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.config import portal_config
from portalclient.crm.errors import CrmError
from portalclient.crm.models import CrmSession, TicketList, TicketRow
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists
from portalclient.pages.common import Scope, SortOrder, list_scope
from portalclient.pages.links import DETAIL_ENDPOINTS
from portalclient.pages.ticket_list import (cell_text, is_closed, picklist_column, sorted_rows,
                                            status_of, ticket_picklists)
from portalclient.session import (current_customer, display_name, last_login, login_required,
                                  remember_display_name, support_end)

log = logging.getLogger(__name__)

bp = Blueprint("home", __name__)


@dataclass(frozen=True)
class MenuPage:
    """A module page in the menu (see ``register_module_page``)."""

    module: str
    endpoint: str
    label: object
    after: str | None = None
    shown: Callable[[], bool] | None = None

    def is_shown(self) -> bool:
        return self.shown is None or self.shown()

MODULE_PAGES_KEY = "portalclient.module_pages"
TICKETS_MODULE = "HelpDesk"


def register_module_page(app: Flask, module: str, endpoint: str, label: object, *,
                         after: str | None = None,
                         shown: Callable[[], bool] | None = None) -> None:
    """Show ``module`` in the menu (when the CRM enables it), linking to ``endpoint``.

    A page for something the CRM has no portal tab for (service contracts) names the tab it
    follows (``after``) and decides itself whether it is shown (``shown``).
    """
    entry = MenuPage(module, endpoint, label, after, shown)
    app.extensions.setdefault(MODULE_PAGES_KEY, {})[module] = entry


#: Quick actions on the start page: (CRM module, endpoint, label), shown when both exist.
QUICK_ACTIONS = (
    (TICKETS_MODULE, "tickets.new", _l("Raise a ticket")),
    ("Faq", "faq.index", _l("Browse the FAQ")),
    ("Invoice", "sales.invoices", _l("My invoices")),
    ("Documents", "documents.index", _l("Documents")),
)


@dataclass(frozen=True)
class HomeTicket:
    """One ticket row on the start page, status taken from the recognised status column."""

    row: TicketRow
    status: str
    priority: str


@bp.route("/")
@login_required
def index():
    """Quick actions, and open and closed tickets of the customer (or of the organization)."""
    crm_session = current_customer()
    modules = get_cache().modules(get_crm())
    tickets = TicketList((), ())
    scope = Scope(False, "mine")
    if TICKETS_MODULE in modules:
        scope = list_scope(TICKETS_MODULE)
        tickets = customer_lists.tickets(crm_session, only_mine=scope.only_mine, renew=True)
    rows = home_tickets(tickets, crm_session) if tickets.rows else []
    user_name = contact_name(tickets, crm_session)
    remember_display_name(user_name)
    return render_template(
        "home/index.html", user_name=user_name,
        last_login=_parse(last_login()),
        support_end=dt.date.fromisoformat(support_end()) if support_end() else None,
        open_rows=[t for t in rows if not is_closed(t.status)],
        closed_rows=[t for t in rows if is_closed(t.status)],
        show_tickets=TICKETS_MODULE in modules, scope=scope,
        ticket_pages="tickets.detail" in current_app.view_functions,
        quick_actions=quick_actions(modules))


def home_tickets(tickets: TicketList, crm_session: CrmSession) -> list[HomeTicket]:
    """The rows with status and priority found by their picklist values, newest first."""
    picklists = ticket_picklists(crm_session)
    status_column = picklist_column(tickets, picklists["status"])
    priority_column = picklist_column(tickets, picklists["priority"])
    rows = sorted_rows(tickets.rows, SortOrder("", True))
    return [HomeTicket(row, status_of(row, status_column),
                       cell_text(row, priority_column) if priority_column is not None
                       else row.priority) for row in rows]


def contact_name(tickets: TicketList, crm_session: CrmSession) -> str:
    """The customer's name as the ticket list links it to their contact, else their login."""
    for row in tickets.rows:
        for cell in row.cells:
            if (cell.ref and cell.ref.module == "Contacts"
                    and cell.ref.record_id == crm_session.contact_id and cell.text.strip()):
                return cell.text.strip()
    return crm_session.user_name


def quick_actions(modules: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, url) of each quick action whose CRM module is on and whose page exists."""
    return [(str(label), url_for(endpoint)) for module, endpoint, label in QUICK_ACTIONS
            if module in modules and endpoint in current_app.view_functions]


@bp.route("/branding.css")
def branding_css():
    """The configured colours as CSS variables (a file, so the CSP needs no inline styles)."""
    body = render_template("branding.css", branding=portal_config().branding)
    return current_app.response_class(body, mimetype="text/css",
                                      headers={"Cache-Control": "public, max-age=300"})


#: The portal's name when ``[branding] name`` is empty: in the customer's language.
DEFAULT_PORTAL_NAME = _l("Customer Portal")


@bp.app_context_processor
def _layout_context() -> dict[str, object]:
    """What base.html needs on every page: branding, the customer's name and the menu."""
    branding = portal_config().branding
    crm_session = current_customer()
    return {"module_menu": module_menu, "portal_name": branding.name or DEFAULT_PORTAL_NAME,
            "operator_named": bool(branding.name),
            "portal_logo": branding.logo, "footer_links": branding.footer_links,
            "customer_name": (display_name() or crm_session.user_name) if crm_session else None}


def module_menu() -> list[tuple[str, str, bool]]:
    """(label, url, is_current) for each built module page, in the CRM's order."""
    if current_customer() is None:
        return []
    try:
        modules = get_cache().modules(get_crm())
    except CrmError as exc:
        log.warning("module menu unavailable: %s", exc)
        return []
    pages = current_app.extensions.get(MODULE_PAGES_KEY, {})
    followers = [page for page in pages.values() if page.after]
    menu = []
    for name in modules:
        if name in pages and not pages[name].after:
            menu.append(_menu_entry(pages[name]))
            menu.extend(_menu_entry(page) for page in followers
                        if page.after == name and page.is_shown())
    return menu


def _menu_entry(page: MenuPage) -> tuple[str, str, bool]:
    """A page is current on its list and on its records' detail pages."""
    current = request.endpoint in (page.endpoint, DETAIL_ENDPOINTS.get(page.module))
    return str(page.label), url_for(page.endpoint), current


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
