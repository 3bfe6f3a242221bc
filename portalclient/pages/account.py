"""My settings (last login, support period, e-mail, language) and changing the password."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portalclient.crm.errors import SessionExpired
from portalclient.crm.models import CrmSession
from portalclient.crm_access import get_crm
from portalclient.pages import account_password as password_rules
from portalclient.pages.account_layout import layout_context
from portalclient.pages.account_password import PasswordRefused
from portalclient.session import (current_customer, last_login, login_required, require_csrf,
                                  support_end, support_start)

log = logging.getLogger(__name__)

bp = Blueprint("account", __name__)
bp.app_context_processor(layout_context)

PASSWORD_CHANGED = _l("Your password has been changed.")


@bp.route("/settings")
@login_required
def settings():
    """The customer's own portal settings, from what the CRM said at login."""
    crm_session = current_customer()
    _require_live_session(crm_session)
    return render_template(
        "account/settings.html", email=crm_session.user_name,
        last_login=_datetime(last_login()), support_start=_date(support_start()),
        support_end=_date(support_end()))


@bp.route("/settings/password", methods=("GET", "POST"))
@login_required
def password():
    """Change the password: old, new and repeat, checked against the policy shown in the form."""
    if request.method == "GET":
        _require_live_session(current_customer())
        return _password_form()
    require_csrf()
    form = request.form
    try:
        password_rules.change_password(current_customer(), form.get("old_password", ""),
                                       form.get("new_password", ""),
                                       form.get("repeat_password", ""))
    except PasswordRefused as refused:
        return _password_form(error=refused.message, field=refused.field), refused.status
    flash(str(PASSWORD_CHANGED), "info")
    return redirect(url_for("account.settings"))


def _password_form(error: object = None, field: str = "") -> str:
    """The form; passwords are never written back into it."""
    return render_template("account/password.html", error=error, error_field=field,
                           min_length=password_rules.MIN_LENGTH,
                           max_length=password_rules.MAX_LENGTH)


def _require_live_session(crm_session: CrmSession) -> None:
    """These pages show what the CRM said at login: make sure the CRM session still holds."""
    if not get_crm().is_session_alive(crm_session):
        raise SessionExpired(operation="get_ticket_creator")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
