"""My settings: last login, support period, change password."""

from __future__ import annotations

from flask import Blueprint, render_template

from portalclient.session import login_required

bp = Blueprint("account", __name__)


@bp.route("/settings")
@login_required
def settings():
    """The customer's own portal settings."""
    return render_template("account/settings.html")
