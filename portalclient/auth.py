"""Login, logout and "forgot password" (blueprint ``auth``)."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.crm.errors import CrmError, CrmUnavailable, LoginRefused, VersionIncompatible
from portalclient.crm.models import Customer
from portalclient.crm_access import get_crm
from portalclient.pages.trans_digits import plural_text as ngettext
from portalclient.session import (current_customer, login_customer, logout_customer,
                                  require_csrf, safe_next)
from portalclient.throttle import LOGIN, PASSWORD_MAIL, account_key, client_keys, get_throttle

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

#: The CRM answers INVALID_USERNAME_OR_PASSWORD for a wrong password AND an ended support
#: period (PROTOCOL 3.1), so the portal cannot tell them apart either.
WRONG_CREDENTIALS = _l("The e-mail address or password is not correct, or your support period "
                       "has ended.")
MISSING_FIELDS = _l("Please enter your e-mail address and your password.")
CRM_UNREACHABLE = _l("The support system is not reachable right now. Please try again in a few "
                     "minutes.")
CRM_FAILED = _l("The support system could not check your login. Please try again later.")
VERSION_REFUSED = _l("The support system does not accept this portal's version. Please tell "
                     "the portal's administrator.")
PORTAL_DISABLED = _l("The customer portal is not enabled in the support system.")
LOGGED_OUT = _l("You have been logged out.")
#: The one answer to every password-mail request: it must not tell whether the address exists.
PASSWORD_MAIL_ANSWER = _l("If this e-mail address belongs to a portal login, a mail with a link "
                          "to set a new password is on its way. Please check your inbox.")
EMAIL_NEEDED = _l("Please enter the e-mail address you log in with.")
MAIL_UNREACHABLE = _l("The support system is not reachable right now, so no mail could be "
                      "requested. Please try again in a few minutes.")
MAIL_FAILED = _l("The support system could not handle the request. Please try again later.")
MAX_EMAIL_LENGTH = 254


class LoginProblem(Exception):
    """A login attempt failed; carries the message to show, the HTTP status and, for a
    throttled try, the seconds to wait (sent as Retry-After)."""

    def __init__(self, message: object, status: int, retry_after: int = 0) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.retry_after = retry_after

    def render(self, template: str, **context: object):
        """The form again with this problem's message, status and Retry-After."""
        response = make_response(render_template(template, error=self.message, **context),
                                 self.status)
        if self.retry_after:
            response.headers["Retry-After"] = str(self.retry_after)
        return response


def throttled(seconds: int) -> LoginProblem:
    """The answer to a try while its account or address is locked out (HTTP 429)."""
    minutes = max(1, -(-seconds // 60))
    message = ngettext("Too many attempts. Please wait %(num)d minute and try again.",
                       "Too many attempts. Please wait %(num)d minutes and try again.", minutes)
    return LoginProblem(message, 429, retry_after=seconds)


def check_throttle(purpose: str, email: str) -> None:
    """Refuse the try (LoginProblem 429) while its address or account is locked out; runs
    before any CRM call, so a locked-out attacker costs the CRM nothing."""
    wait = get_throttle(purpose).retry_after(client_keys(email))
    if wait:
        log.warning("%s throttled for %s (%d s left)", purpose, request.remote_addr, wait)
        raise throttled(wait)


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Show the login form; on POST authenticate with the CRM and start the session."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_customer() is not None:
            return redirect(next_url or url_for("home.index"))
        return render_template("auth/login.html", email="", next_url=next_url)
    require_csrf()
    email = request.form.get("email", "").strip()
    try:
        customer = _throttled_authenticate(email, request.form.get("password", ""))
    except LoginProblem as problem:
        return problem.render("auth/login.html", email=email, next_url=next_url)
    login_customer(customer)
    return redirect(next_url or url_for("home.index"))


def _throttled_authenticate(email: str, password: str) -> Customer:
    """_authenticate behind the login throttle: refused credentials count as a failure for
    the address and the account; a success clears the account's count."""
    if not email or not password:
        raise LoginProblem(MISSING_FIELDS, 400)
    check_throttle(LOGIN, email)
    try:
        customer = _authenticate(email, password)
    except LoginProblem as problem:
        if problem.status == 401:
            get_throttle(LOGIN).record_failure(client_keys(email))
        raise
    get_throttle(LOGIN).clear(account_key(email))
    return customer


def _authenticate(email: str, password: str) -> Customer:
    """Ask the CRM; every refusal becomes a LoginProblem with a customer-facing message."""
    crm = get_crm()
    try:
        customer = crm.authenticate(email, password)
        if not get_cache().modules(crm):
            raise LoginProblem(PORTAL_DISABLED, 403)
        _record_login(customer)
    except VersionIncompatible:
        log.error("the CRM refused our protocol version")
        raise LoginProblem(VERSION_REFUSED, 502) from None
    except LoginRefused as exc:
        log.info("login refused by the CRM (%s)", exc.reason)
        raise LoginProblem(WRONG_CREDENTIALS, 401) from None
    except CrmUnavailable as exc:
        log.warning("CRM unavailable at login: %s", exc)
        raise LoginProblem(CRM_UNREACHABLE, 503) from None
    except CrmError as exc:
        log.error("CRM error at login: %s", exc)
        raise LoginProblem(CRM_FAILED, 502) from None
    return customer


def _record_login(customer: Customer) -> None:
    """Tell the CRM about the login (its "last login" bookkeeping); a failure is not fatal."""
    try:
        get_crm().record_login(customer.session)
    except CrmUnavailable as exc:
        log.warning("could not record the login in the CRM: %s", exc)


@bp.route("/logout", methods=("POST",))
def logout():
    """Tell the CRM the customer left, then forget them here."""
    require_csrf()
    crm_session = current_customer()
    if crm_session is not None:
        try:
            get_crm().logout(crm_session)
        except CrmError as exc:
            log.warning("could not record the logout in the CRM: %s", exc)
    logout_customer()
    flash(str(LOGGED_OUT), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=("GET", "POST"))
def forgot():
    """Ask the CRM to mail a new-password link; the answer never says whether the address is
    known (the CRM's own message is never shown)."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/forgot.html", email="", next_url=next_url)
    require_csrf()
    email = request.form.get("email", "").strip()
    try:
        _request_password_mail(email)
    except LoginProblem as problem:
        return problem.render("auth/forgot.html", email=email, next_url=next_url)
    flash(str(PASSWORD_MAIL_ANSWER), "info")
    return redirect(url_for("auth.login", next=next_url))


def _request_password_mail(email: str) -> None:
    """send_mail_for_password; only "could not ask" is reported, never the CRM's verdict.
    Every request counts against the throttle: some CRMs reset the password at once
    (PROTOCOL 6.6), so each one is a cost to the customer whether or not the address exists."""
    if not email or "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise LoginProblem(EMAIL_NEEDED, 400)
    check_throttle(PASSWORD_MAIL, email)
    get_throttle(PASSWORD_MAIL).record_failure(client_keys(email))
    try:
        result = get_crm().request_password_mail(email)
    except CrmUnavailable as exc:
        log.warning("CRM unavailable for a password mail: %s", exc)
        raise LoginProblem(MAIL_UNREACHABLE, 503) from None
    except CrmError as exc:
        log.error("CRM error for a password mail: %s", exc)
        raise LoginProblem(MAIL_FAILED, 502) from None
    log.info("password mail requested (CRM says sent=%s)", result.sent)
