"""One-use, expiring set-password links: issuing and redeeming tokens, and the page behind them.

Both kinds of link live here: 'welcome' (an administrator enabled the login) and 'reset'
(``send_mail_for_password``). Only a token's SHA-256 is stored (core's ``password_tokens``
table). Issuing a link voids the contact's older links; setting a password voids them all and
ends the contact's CRM session, so a mailed link is good for exactly one password. The page is
plain English: it belongs to the CRM.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.security import generate_password_hash

from crm_stub.store import ACTIVE_LOGINS, Store, format_time

log = logging.getLogger(__name__)

PATH = "/portal/set-password"
#: Token kinds, named like the mails that carry them (``templates/mail/<kind>/``).
WELCOME, RESET = "welcome", "reset"
WELCOME_LINK_LIFETIME = dt.timedelta(hours=72)
RESET_LINK_LIFETIME = dt.timedelta(hours=2)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
_TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never leak it onwards
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'",
}

bp = Blueprint("set_password", __name__, template_folder="templates")


@dataclass(frozen=True)
class LinkHolder:
    """The portal login a valid set-password token belongs to."""

    contact_id: int
    user_name: str


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store: Store, contact_id: int, now: dt.datetime,
                lifetime: dt.timedelta = WELCOME_LINK_LIFETIME, *, kind: str = WELCOME) -> str:
    """A new random ``kind`` token valid until ``now + lifetime``; the contact's older are void."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    with store.transaction():
        void_links(store, contact_id)
        store.insert("password_tokens", token_hash=token_hash(token), contact_id=contact_id,
                     kind=kind, created=format_time(now), expires=format_time(now + lifetime),
                     used=0)
    return token


def void_links(store: Store, contact_id: int) -> None:
    """Make every set-password link of the contact unusable."""
    store.execute("UPDATE password_tokens SET used = 1 WHERE contact_id = ? AND used = 0",
                  (contact_id,))


def issued_after(store: Store, contact_id: int, kind: str, moment: dt.datetime) -> bool:
    """Whether a ``kind`` token was issued to the contact later than ``moment``."""
    newest = store.scalar("SELECT MAX(created) FROM password_tokens"
                          " WHERE contact_id = ? AND kind = ?", (contact_id, kind))
    return newest is not None and newest > format_time(moment)


def link_for(base_url: str, token: str) -> str:
    """The absolute set-password URL for ``token`` on the stub at ``base_url``."""
    return f"{base_url.rstrip('/')}{PATH}?{urlencode({'token': token})}"


def holder_of(store: Store, token: object, now: dt.datetime) -> LinkHolder | None:
    """Whose unused, unexpired token this is (an active portal login), else None."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        return None
    row = store.query_one(
        "SELECT p.contact_id, p.user_name" + ACTIVE_LOGINS + " AND p.contact_id = ("
        "SELECT contact_id FROM password_tokens WHERE token_hash = ? AND used = 0"
        " AND expires > ?)", (token_hash(token), format_time(now)))
    return None if row is None else LinkHolder(int(row["contact_id"]), row["user_name"])


def redeem(store: Store, token: str, password: str, now: dt.datetime) -> LinkHolder | None:
    """Set the password if the token is still good; void all the contact's links and session."""
    password_hash = generate_password_hash(password)  # slow: keep it outside the write lock
    with store.transaction():
        holder = holder_of(store, token, now)
        if holder is None:
            return None
        store.execute("UPDATE portal_users SET password_hash = ? WHERE contact_id = ?",
                      (password_hash, holder.contact_id))
        void_links(store, holder.contact_id)
        store.execute("DELETE FROM sessions WHERE contact_id = ?", (holder.contact_id,))
    log.info("portal password set through a link for contact %s", holder.contact_id)
    return holder


def password_problem(password: str, confirmation: str) -> str | None:
    """Why a new password is refused, or None if it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must have at most {MAX_PASSWORD_LENGTH} characters."
    if password != confirmation:
        return "The two passwords differ."
    return None


def _context():
    return current_app.extensions["crm_stub"]


def _page(template: str, status: int, **values: object) -> Response:
    response = Response(render_template(template, **values), status=status,
                        content_type="text/html; charset=UTF-8")
    response.headers.update(_PAGE_HEADERS)
    return response


def _invalid() -> Response:
    return _page("set_password/invalid.html", 410)


@bp.get(PATH)
def form() -> Response:
    """The form for a valid link; a 'link no longer valid' page otherwise."""
    ctx = _context()
    token = request.args.get("token", "")
    holder = holder_of(ctx.store, token, ctx.clock())
    if holder is None:
        return _invalid()
    return _page("set_password/form.html", 200, token=token, user_name=holder.user_name,
                 error=None, min_length=MIN_PASSWORD_LENGTH)


@bp.post(PATH)
def submit() -> Response:
    """Check the new password, then spend the token on it."""
    ctx = _context()
    token = request.form.get("token", "")
    password = request.form.get("password", "")
    holder = holder_of(ctx.store, token, ctx.clock())
    if holder is None:
        return _invalid()
    problem = password_problem(password, request.form.get("confirmation", ""))
    if problem is not None:
        return _page("set_password/form.html", 400, token=token, user_name=holder.user_name,
                     error=problem, min_length=MIN_PASSWORD_LENGTH)
    if redeem(ctx.store, token, password, ctx.clock()) is None:
        return _invalid()  # another request spent the token meanwhile
    return _page("set_password/done.html", 200, user_name=holder.user_name)
