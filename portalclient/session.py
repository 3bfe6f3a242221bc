"""The logged-in customer, kept in Flask's signed cookie with the CRM credentials encrypted.

The CRM session id is a bearer token that never expires (PROTOCOL 3.3, 6.3), so it must not be
readable in the cookie: it travels as a Fernet token whose key is derived from SECRET_KEY. The
Fernet timestamp also enforces the absolute session lifetime; Flask's signed-cookie max age
(PERMANENT_SESSION_LIFETIME) enforces the idle one.

The CRM keeps a session alive after logout (PROTOCOL 3.3), so logout is ours to end: the cookie
is cleared, and the login's random nonce is remembered as ended in this process, so a copy of
the old cookie replayed to the same worker is refused too (other workers refuse it only once it
is idle or too old: the cookie itself is the session store).
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
import logging
import secrets
import threading
from typing import Any, Callable
from urllib.parse import urlsplit

from cachetools import TTLCache
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import (Flask, abort, current_app, flash, g, has_request_context, redirect,
                   request, session, url_for)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import lazy_gettext as _l

from portalclient.config import PortalConfig, portal_config
from portalclient.crm.errors import SessionExpired
from portalclient.crm.models import CrmSession, Customer

log = logging.getLogger(__name__)

FERNET_KEY = "portalclient.fernet"
ENDED_KEY = "portalclient.ended_sessions"
#: Logged-out logins remembered per process (their nonces), bounded like every cache.
MAX_ENDED = 10_000
#: Longest "return to" path accepted (longer ones are dropped, not cut).
MAX_NEXT_LENGTH = 2048
CRM_KEY = "crm"
LAST_LOGIN_KEY = "last_login"
SUPPORT_START_KEY = "support_start"
SUPPORT_END_KEY = "support_end"
#: The contact's name as the CRM shows it (learnt on the home page), for the header.
DISPLAY_NAME_KEY = "display_name"
CSRF_KEY = "csrf"
#: What survives a login or logout (the visitor's language choice).
_KEPT_ON_ROTATE = ("lang",)
_HKDF_INFO = b"portalclient session: CRM credentials"

SESSION_ENDED = _l("Your session has ended, possibly because you logged in somewhere else. "
                   "Please log in again.")
#: A form sent after the session ended: nothing reached the CRM; drafts.js refills the form.
SESSION_ENDED_FORM = _l("Your session has ended, possibly because you logged in somewhere else, "
                        "so nothing was sent yet. Please log in again: you will return to the "
                        "form, and this browser fills in what you typed.")
LOGIN_NEEDED = _l("Please log in to see this page.")


def init_session(app: Flask, config: PortalConfig) -> None:
    """Cookie flags and the Fernet key for the encrypted part of the session."""
    app.config.update(
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.authenticate_path.lower().startswith("https:"),
        PERMANENT_SESSION_LIFETIME=config.security.session_idle_minutes * 60,
    )
    app.session_interface = PortalSessionInterface()
    app.extensions[FERNET_KEY] = Fernet(derive_fernet_key(config.security.secret_key))
    app.extensions[ENDED_KEY] = EndedSessions(config.security.session_absolute_minutes * 60)
    app.jinja_env.globals["csrf_token"] = csrf_token


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, except that ``stateless`` views (health checks) never set it."""

    def save_session(self, app: Flask, session: SessionMixin, response: Any) -> None:
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "stateless", False):
            return
        super().save_session(app, session, response)


def stateless(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that must never set or refresh the session cookie."""
    view.stateless = True  # type: ignore[attr-defined]
    return view


def derive_fernet_key(secret_key: str) -> bytes:
    """A Fernet key bound to SECRET_KEY but distinct from the cookie-signing key (HKDF-SHA256)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


def login_customer(customer: Customer) -> None:
    """Start a fresh session for ``customer`` (everything from before the login is dropped)."""
    _rotate()
    session.permanent = True
    payload = json.dumps({"c": customer.session.contact_id, "s": customer.session.session_id,
                          "u": customer.session.user_name or customer.user_name,
                          "n": secrets.token_urlsafe(16)})
    session[CRM_KEY] = _fernet().encrypt(payload.encode("utf-8")).decode("ascii")
    session[LAST_LOGIN_KEY] = _iso(customer.last_login)
    session[SUPPORT_START_KEY] = _iso(customer.support_start)
    session[SUPPORT_END_KEY] = _iso(customer.support_end)


class EndedSessions:
    """Nonces of logins that were logged out, kept as long as a cookie could still be valid."""

    def __init__(self, lifetime_seconds: float) -> None:
        self._nonces: TTLCache = TTLCache(MAX_ENDED, lifetime_seconds)
        self._lock = threading.Lock()

    def end(self, nonce: str) -> None:
        with self._lock:
            self._nonces[nonce] = True

    def __contains__(self, nonce: object) -> bool:
        with self._lock:
            return nonce in self._nonces


def current_customer() -> CrmSession | None:
    """The CRM session of the logged-in customer, or None (not logged in, tampered, too old or
    logged out)."""
    data = _credentials()
    if data is None or data.get("n") in _ended():
        session.pop(CRM_KEY, None)
        return None
    return CrmSession(contact_id=data["c"], session_id=data["s"], user_name=data["u"])


def _credentials() -> dict[str, Any] | None:
    """The decrypted CRM credentials of the cookie, None when absent, unreadable or too old;
    decrypted once per request (a page asks several times), again only if the cookie changed."""
    token = session.get(CRM_KEY)
    if not token:
        return None
    memo = g.get("_crm_credentials")
    if memo is not None and memo[0] == token:
        return memo[1]
    data = _decrypt_credentials(token)
    g._crm_credentials = (token, data)
    return data


def _decrypt_credentials(token: Any) -> dict[str, Any] | None:
    max_age = portal_config().security.session_absolute_minutes * 60
    try:
        return json.loads(_fernet().decrypt(token.encode("ascii"), ttl=max_age))
    except (InvalidToken, ValueError, AttributeError):
        log.info("dropping an expired or unreadable customer session")
        return None


def last_login() -> str | None:
    """ISO timestamp of the customer's previous login, as the CRM reported it."""
    return session.get(LAST_LOGIN_KEY)


def support_start() -> str | None:
    """ISO date on which the customer's support period started, as the CRM reported it."""
    return session.get(SUPPORT_START_KEY)


def support_end() -> str | None:
    """ISO date on which the customer's support period ends, as the CRM reported it."""
    return session.get(SUPPORT_END_KEY)


def display_name() -> str | None:
    """The customer's name for the header, once a page has learnt it from the CRM."""
    return session.get(DISPLAY_NAME_KEY)


def remember_display_name(name: str) -> None:
    """Keep the contact's name for the header (the cookie is only rewritten when it changes)."""
    if name and session.get(DISPLAY_NAME_KEY) != name:
        session[DISPLAY_NAME_KEY] = name[:200]


def logout_customer() -> None:
    """Forget the customer (keeps only the language choice); a copy of the cookie is refused."""
    data = _credentials()
    if data is not None and data.get("n"):
        _ended().end(data["n"])
    _rotate()


def csrf_token() -> str:
    """The per-session token every POST form must carry."""
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def require_csrf() -> None:
    """Abort 400 unless the submitted ``csrf_token`` matches the session's."""
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (inside the portal's sub-path, when it has one),
    else None: no open redirects, and no bouncing to another application on the same host."""
    if not target or len(target) > MAX_NEXT_LENGTH or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    root = request.script_root if has_request_context() else ""
    if root and not (parts.path == root or parts.path.startswith(root + "/")):
        return None
    return target


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the login page; end dead CRM sessions the same way."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_customer() is None:
            if _is_page_view():
                flash(str(LOGIN_NEEDED), "info")
            else:
                flash(str(SESSION_ENDED_FORM), "warning")
            return redirect(url_for("auth.login", next=_here()))
        try:
            return view(*args, **kwargs)
        except SessionExpired:
            return end_expired_session()

    return wrapped


def end_expired_session() -> Any:
    """The CRM dropped our session: clear the cookie and ask for a new login, then come back."""
    log.info("CRM session ended; asking the customer to log in again")
    logout_customer()
    flash(str(SESSION_ENDED if _is_page_view() else SESSION_ENDED_FORM), "warning")
    return redirect(url_for("auth.login", next=_here()))


def _here() -> str | None:
    """Where to come back to after login: this page for GETs; for a form, the page it was on."""
    if _is_page_view():
        return safe_next(request.script_root + request.full_path.rstrip("?"))
    return _form_page()


def _is_page_view() -> bool:
    """A page being looked at (GET/HEAD), as opposed to a form being sent."""
    return request.method in ("GET", "HEAD")


def _form_page() -> str | None:
    """The page a POSTed form came from: the same-site referrer, else this URL if it has a GET
    view (forms that post to themselves); None when neither is known."""
    parts = urlsplit(request.referrer or "")
    if parts.path and parts.netloc == request.host:
        return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return safe_next(request.script_root + request.path)
    return None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _rotate() -> None:
    kept = {key: session[key] for key in _KEPT_ON_ROTATE if key in session}
    session.clear()
    session.update(kept)


def _fernet() -> Fernet:
    return current_app.extensions[FERNET_KEY]


def _ended() -> EndedSessions:
    return current_app.extensions[ENDED_KEY]
