"""Forms that write to the CRM: a failed send keeps what was typed, a repeated send never writes
twice.

Every such form carries a signed submission token made when the form is shown: which form it
is, a random nonce, and a baseline of what the page showed (the highest ticket id, the number of
comments), because the CRM's own timestamps are in an unknown time zone. The customer's cookie
remembers, for a few recent nonces, where a successful send led (a second send of the same form
goes there instead of writing again) and which sends failed after reaching the CRM may have
happened (a retry first looks in the CRM for the record, beyond the baseline).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Iterator, Sequence

from flask import Flask, current_app, flash, redirect, request, session
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer

from portalclient.config import portal_config
from portalclient.crm.errors import CrmError, ModuleInactive, NotAuthorized, SessionExpired
from portalclient.session import current_customer

log = logging.getLogger(__name__)

SUBMISSION_FIELD = "submission"
SENT_KEY = "sent_forms"
UNSURE_KEY = "unsure_forms"
DRAFTS_SENT_KEY = "drafts_sent"
RESEND_KEY = "portalclient.resend_forms"
#: How many recent sends the cookie remembers (it must stay small).
REMEMBERED = 8
_SALT = "portalclient.submission"
ALREADY_SENT = _l("This was already sent, so it was not sent again.")
FOUND_SENT = _l("What you sent had reached the support system before the answer was lost, so "
                "it was not sent a second time.")
#: Failures after which the CRM surely wrote nothing.
REFUSALS = (SessionExpired, NotAuthorized, ModuleInactive)


@dataclass(frozen=True)
class Submission:
    """A form's signed token, read back from a POST."""

    form: str
    nonce: str
    baseline: int
    token: str


@dataclass(frozen=True)
class ResendField:
    """A field the fallback page shows (``multiline``: as a text area) or carries hidden."""

    name: str
    label: object = ""
    multiline: bool = False
    visible: bool = True


@dataclass(frozen=True)
class ResendForm:
    """The typed values of a failed POST, ready to be sent again from the error page."""

    action: str
    fields: tuple[tuple[ResendField, str], ...]


def init_drafts(app: Flask) -> None:
    """Template globals for the forms (idempotent: several blueprints call it)."""
    app.jinja_env.globals.update(submission_token=submission_token, draft_owner=draft_owner,
                                 drafts_sent=drafts_sent)
    app.extensions.setdefault(RESEND_KEY, {})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def submission_token(form: str, baseline: int = 0) -> str:
    """A fresh token for ``form`` (made when the form is shown)."""
    customer = current_customer()
    payload = {"f": form, "n": secrets.token_urlsafe(12), "b": int(baseline),
               "c": customer.contact_id if customer else ""}
    return _serializer().dumps(payload)


def read_submission(form: str) -> Submission | None:
    """The POSTed token if it is valid for ``form`` and this customer (None: no protection)."""
    token = request.form.get(SUBMISSION_FIELD, "")
    if not token:
        return None
    max_age = portal_config().security.session_absolute_minutes * 60
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadData:
        log.info("ignoring an invalid or expired submission token for %s", form)
        return None
    customer = current_customer()
    if (not isinstance(data, dict) or data.get("f") != form
            or data.get("c") != (customer.contact_id if customer else "")):
        return None
    return Submission(form, str(data.get("n", "")), int(data.get("b", 0)), token)


def already_sent(submission: Submission | None) -> str | None:
    """Where an earlier successful send of this very form led, if it did."""
    if submission is None:
        return None
    return dict(session.get(SENT_KEY, [])).get(submission.nonce)


def remember_sent(submission: Submission | None, url: str, draft: str) -> None:
    """A send succeeded: remember where it led, and tell the browser to drop its draft."""
    if submission is not None:
        sent = [pair for pair in session.get(SENT_KEY, []) if pair[0] != submission.nonce]
        session[SENT_KEY] = (sent + [[submission.nonce, url]])[-REMEMBERED:]
        session[UNSURE_KEY] = [n for n in session.get(UNSURE_KEY, []) if n != submission.nonce]
    session[DRAFTS_SENT_KEY] = (session.get(DRAFTS_SENT_KEY, []) + [draft])[-REMEMBERED:]


def go_to_result(submission: Submission | None, url: str, draft: str, message: object = None):
    """The end of every successful (or found, or repeated) send: say ``message`` if given,
    remember the send so a repeat leads to ``url`` too, and go there."""
    if message is not None:
        flash(str(message), "info")
    remember_sent(submission, url, draft)
    return redirect(url)


def may_have_arrived(submission: Submission | None) -> bool:
    """Whether an earlier send of this form failed after it may have reached the CRM."""
    return submission is not None and submission.nonce in session.get(UNSURE_KEY, [])


@contextlib.contextmanager
def writing(submission: Submission | None) -> Iterator[None]:
    """Around the CRM write: a failure other than a refusal may have written; remember that.

    The customer's cached answers are kept (the form is shown again from them); a retry that
    finds the record forgets them, like a successful write."""
    try:
        yield
    except REFUSALS:
        raise
    except CrmError:
        if submission is not None:
            unsure = [n for n in session.get(UNSURE_KEY, []) if n != submission.nonce]
            session[UNSURE_KEY] = (unsure + [submission.nonce])[-REMEMBERED:]
        raise


def drafts_sent() -> list[str]:
    """The draft keys whose form was sent (shown once, so the browser forgets those drafts)."""
    if DRAFTS_SENT_KEY not in session:  # a bare pop would rewrite the cookie on every page
        return []
    return session.pop(DRAFTS_SENT_KEY)


def draft_owner() -> str:
    """A per-customer tag for the browser's drafts (never the contact id itself), stable across
    logins so a draft survives a lost session but is never offered to someone else."""
    customer = current_customer()
    if customer is None:
        return ""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"draft:{customer.contact_id}".encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:16]


def same_text(first: str, second: str) -> bool:
    """Equal once whitespace is normalised (the CRM may turn line breaks into <br />)."""
    return " ".join(first.split()) == " ".join(second.split())


def found_among_new(texts_newest_first: Sequence[str], baseline: int, text: str) -> bool:
    """Whether ``text`` is one of the entries added since the page showed ``baseline``."""
    new = max(0, len(texts_newest_first) - baseline)
    return any(same_text(item, text) for item in texts_newest_first[:new])


def files_chosen() -> bool:
    """Whether the POST carried any file (a browser cannot put them back in the form)."""
    return any(item.filename for _, item in request.files.items(multi=True))


def register_resend(app: Flask, endpoint: str, fields: Sequence[ResendField]) -> None:
    """Let the error page offer ``endpoint``'s typed fields for sending again."""
    app.extensions.setdefault(RESEND_KEY, {})[endpoint] = tuple(fields)


def resend_form() -> ResendForm | None:
    """The current POST's typed values, when its endpoint keeps them (see ``register_resend``)."""
    if request.method != "POST":
        return None
    fields = current_app.extensions.get(RESEND_KEY, {}).get(request.endpoint or "")
    if not fields:
        return None
    typed = tuple((field, request.form.get(field.name, "")) for field in fields)
    hidden = ResendField(SUBMISSION_FIELD, visible=False)
    return ResendForm(request.script_root + request.path,
                      typed + ((hidden, request.form.get(SUBMISSION_FIELD, "")),))
