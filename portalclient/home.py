"""The customer's start page (blueprint ``home``) and the module menu every page shows."""

from __future__ import annotations

import datetime as dt
import logging

from flask import (Blueprint, Flask, current_app, render_template, request, url_for)
from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.config import portal_config
from portalclient.crm.errors import CrmError
from portalclient.crm_access import get_crm
from portalclient.session import current_customer, last_login, login_required, support_end

log = logging.getLogger(__name__)

bp = Blueprint("home", __name__)

MODULE_PAGES_KEY = "portalclient.module_pages"
TICKETS_MODULE = "HelpDesk"


def register_module_page(app: Flask, module: str, endpoint: str, label: object) -> None:
    """Show ``module`` in the menu (when the CRM enables it), linking to ``endpoint``."""
    app.extensions.setdefault(MODULE_PAGES_KEY, {})[module] = (endpoint, label)


@bp.record_once
def _register_home_menu(state) -> None:
    register_module_page(state.app, TICKETS_MODULE, "home.index", _l("Tickets"))


@bp.route("/")
@login_required
def index():
    """Open and closed tickets of the customer (or of the whole organization, if allowed)."""
    crm = get_crm()
    crm_session = current_customer()
    can_see_all = get_cache().show_all(crm, TICKETS_MODULE)
    scope = "all" if can_see_all and request.args.get("scope") == "all" else "mine"
    ticket_list = crm.tickets(crm_session, only_mine=(scope == "mine"))
    open_rows = [row for row in ticket_list.rows if not row.is_closed]
    closed_rows = [row for row in ticket_list.rows if row.is_closed]
    return render_template(
        "home/index.html", user_name=crm_session.user_name, last_login=_parse(last_login()),
        support_end=dt.date.fromisoformat(support_end()) if support_end() else None,
        open_rows=open_rows, closed_rows=closed_rows, can_see_all=can_see_all, scope=scope)


@bp.route("/branding.css")
def branding_css():
    """The configured colours as CSS variables (a file, so the CSP needs no inline styles)."""
    body = render_template("branding.css", branding=portal_config().branding)
    return current_app.response_class(body, mimetype="text/css",
                                      headers={"Cache-Control": "public, max-age=300"})


@bp.app_context_processor
def _layout_context() -> dict[str, object]:
    """What base.html needs on every page: branding, the customer's name and the menu."""
    branding = portal_config().branding
    crm_session = current_customer()
    return {"module_menu": module_menu, "portal_name": branding.name,
            "portal_logo": branding.logo, "footer_links": branding.footer_links,
            "customer_name": crm_session.user_name if crm_session else None}


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
    return [(str(pages[name][1]), url_for(pages[name][0]), request.endpoint == pages[name][0])
            for name in modules if name in pages]


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
