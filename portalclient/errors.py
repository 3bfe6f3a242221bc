"""Error pages: translated, friendly, never a stack trace; CRM failures get their own status.

A CRM failure while a form is being sent never loses what the customer typed: the form's view
shows it again (``form_failed``), and when even that page cannot be built, the error page
offers the typed fields with a send button (``portalclient.drafts.resend_form``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from portalclient.crm.errors import (CrmError, CrmHttpError, CrmTimeout, CrmUnavailable,
                                     MalformedResponse, ModuleInactive, NotAuthorized,
                                     SessionExpired)
from portalclient.drafts import files_chosen, resend_form
from portalclient.session import (SESSION_ENDED_FORM, end_expired_session, logout_customer,
                                  safe_next)

log = logging.getLogger(__name__)

#: status -> (title, explanation) shown to the customer.
MESSAGES = {
    400: (_l("Bad request"), _l("The form could not be accepted. Please reload the page and "
                                "try again.")),
    403: (_l("Not allowed"), _l("You are not allowed to see this.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used like that.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. Please try again "
                                         "later.")),
    502: (_l("Support system error"), _l("The support system gave an answer we could not "
                                         "use. Please try again later.")),
    503: (_l("Support system not reachable"), _l("The support system is not reachable right "
                                                 "now. Please try again in a few minutes.")),
}
#: What a 503 says, by how the CRM failed (the heading stays "not reachable").
CRM_FAILURE_DETAILS = {
    CrmTimeout: _l("The support system did not answer in time. Please try again in a few "
                   "minutes."),
    CrmHttpError: _l("The support system answered with an error. Please try again in a few "
                     "minutes."),
    MalformedResponse: _l("The support system gave an answer we could not use. Please try "
                          "again in a few minutes."),
}
#: A form whose sending failed, shown again with everything typed.
FORM_KEPT = _l("The support system did not answer; nothing you wrote is lost. Send it again "
               "when you are ready.")
FILES_NOT_KEPT = _l("Files you chose cannot be kept by the browser: please choose them again.")


def render_error(status: int, message: object = None, headers: Any = None):
    """The error page for ``status`` (falls back to the 500 wording for unknown statuses)."""
    title, default = MESSAGES.get(status, MESSAGES[500])
    body = render_template("errors/error.html", status=status, title=title,
                           message=message or default, retry_url=_retry_url(status), resend=None)
    return body, status, headers or {}


def _retry_url(status: int) -> str | None:
    """This page again, for a page view that failed because the CRM did."""
    if status < 502 or request.method not in ("GET", "HEAD"):
        return None
    return safe_next(request.script_root + request.full_path.rstrip("?"))


def crm_failure_status(exc: CrmError) -> int:
    """503 when the CRM is unreachable, slow or garbled (try again later); 502 for an answer
    that is valid SOAP but wrong (a fault, an unexpected shape)."""
    return 503 if isinstance(exc, CrmUnavailable) else 502


def crm_failure_message(exc: CrmError) -> object:
    """The explanation for this kind of CRM failure (None: the status's own wording)."""
    return next((text for kind, text in CRM_FAILURE_DETAILS.items() if isinstance(exc, kind)),
                None)


def form_failed_message(files_chosen: bool) -> str:
    """What a form shown again after a CRM failure says (files cannot be kept by a browser)."""
    return f"{FORM_KEPT} {FILES_NOT_KEPT}" if files_chosen else str(FORM_KEPT)


def form_session_ended(form_page: str):
    """The CRM ended the session during a send: log in again, then back to the form."""
    log.info("CRM session ended while a form was sent; back to the login")
    logout_customer()
    flash(str(SESSION_ENDED_FORM), "warning")
    return redirect(url_for("auth.login", next=safe_next(form_page)))


def send_keeping_typed(send: Callable[[], Any], show_again: Callable[[str], Any],
                       form_page: str) -> Any:
    """Run a form's ``send``; when the CRM fails, ``show_again(message)`` shows the form with
    everything typed (503). A lost session goes to the login and back to ``form_page``; when
    the form's page cannot be built either, the error page offers the typed fields."""
    try:
        return send()
    except SessionExpired:
        return form_session_ended(form_page)
    except (NotAuthorized, ModuleInactive):
        raise
    except CrmError as exc:
        log.warning("CRM failed during %s; showing the form again: %s",
                    exc.operation or "a send", exc)
        try:
            return show_again(form_failed_message(files_chosen()))
        except CrmError:
            raise exc from None


def _http_error(exc: HTTPException):
    """The page for an HTTP error, keeping its headers but the type (a 405's Allow)."""
    headers = [(name, value) for name, value in exc.get_headers()
               if name.lower() != "content-type"]
    return render_error(exc.code or 500, headers=headers)


def _internal_error(exc: InternalServerError):
    log.error("unhandled error", exc_info=exc.original_exception or exc)
    return render_error(500)


def _crm_failed(exc: CrmError):
    """A CRM failure: the page for its kind, or for a form, the typed values to send again."""
    status = crm_failure_status(exc)
    log.warning("CRM failed (%s) during %s: %s", status, exc.operation or "a call", exc)
    resend = resend_form()
    if resend is None:
        return render_error(status, crm_failure_message(exc))
    title = MESSAGES[503][0]
    return render_template("errors/error.html", status=503, title=title,
                           message=form_failed_message(files_chosen()),
                           retry_url=None, resend=resend), 503


def _crm_refused(exc: NotAuthorized | ModuleInactive):
    log.info("CRM refused %s: %s", exc.operation or "a call", type(exc).__name__)
    return render_error(404 if isinstance(exc, ModuleInactive) else 403)


def _session_expired(exc: SessionExpired):
    return end_expired_session()


def register_error_handlers(app: Flask) -> None:
    """Map HTTP errors and the CRM exception tree onto pages (most specific first)."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _internal_error)
    app.register_error_handler(SessionExpired, _session_expired)
    app.register_error_handler(NotAuthorized, _crm_refused)
    app.register_error_handler(ModuleInactive, _crm_refused)
    app.register_error_handler(CrmError, _crm_failed)
