"""Error pages: translated, friendly, never a stack trace; CRM failures get their own status."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from portalclient.crm.errors import (CrmError, CrmUnavailable, ModuleInactive, NotAuthorized,
                                     SessionExpired)
from portalclient.session import end_expired_session

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


def render_error(status: int):
    """The error page for ``status`` (falls back to the 500 wording for unknown statuses)."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def _http_error(exc: HTTPException):
    return render_error(exc.code or 500)


def _internal_error(exc: InternalServerError):
    log.error("unhandled error", exc_info=exc.original_exception or exc)
    return render_error(500)


def _crm_unavailable(exc: CrmUnavailable):
    log.warning("CRM unavailable during %s: %s", exc.operation or "a call", exc)
    return render_error(503)


def _crm_refused(exc: NotAuthorized | ModuleInactive):
    log.info("CRM refused %s: %s", exc.operation or "a call", type(exc).__name__)
    return render_error(404 if isinstance(exc, ModuleInactive) else 403)


def _crm_error(exc: CrmError):
    log.error("CRM error during %s: %s", exc.operation or "a call", exc)
    return render_error(502)


def _session_expired(exc: SessionExpired):
    return end_expired_session()


def register_error_handlers(app: Flask) -> None:
    """Map HTTP errors and the CRM exception tree onto pages (most specific first)."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _internal_error)
    app.register_error_handler(SessionExpired, _session_expired)
    app.register_error_handler(CrmUnavailable, _crm_unavailable)
    app.register_error_handler(NotAuthorized, _crm_refused)
    app.register_error_handler(ModuleInactive, _crm_refused)
    app.register_error_handler(CrmError, _crm_error)
