"""send_mail_for_password, done safely: a time-limited set-password link instead of a reset.

berliCRM resets the password of any known address before it knows whether mail can be sent
(PROTOCOL 3.8). The stub never changes a password here: it mails a one-use 'reset' link of
``crm_stub.set_password`` (the same tokens and page as the administrator's welcome links) and
answers every non-empty address with the same generic ``true@@@`` text, so the answer does not
reveal which addresses have a portal login. Send failures are logged, not reported, for the same
reason. A second request within ``RESEND_PAUSE`` of the contact's last reset link sends nothing
(no mail flooding); a welcome link does not count, so it never blocks a reset.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from crm_stub import mail, set_password
from crm_stub.context import StubContext
from crm_stub.operations.formatting import to_php_string
from crm_stub.operations.registry import operation
from crm_stub.store import ACTIVE_LOGINS, full_name

log = logging.getLogger(__name__)

RESEND_PAUSE = dt.timedelta(minutes=1)
GENERIC_ANSWER = ("true@@@<b>If this address belongs to an active portal login, a mail with a "
                  "link to set a new password has been sent to it.</b>")
EMPTY_ANSWER = "false@@@<b>Please give your email id</b>"


def _active_login(ctx: StubContext, address: str) -> Any:
    """The active, portal-enabled login of that address (the support window is not checked)."""
    return ctx.store.query_one(
        "SELECT p.contact_id, p.user_name, c.firstname, c.lastname, c.email, c.language"
        + ACTIVE_LOGINS + " AND p.user_name = ?", (address,))


def _issue_reset_token(ctx: StubContext, contact_id: int) -> str | None:
    """A new reset token, or None while the contact's last one is younger than the pause."""
    now = ctx.clock()
    with ctx.store.transaction():  # check and issue atomically: parallel requests send once
        if set_password.issued_after(ctx.store, contact_id, set_password.RESET,
                                     now - RESEND_PAUSE):
            return None
        return set_password.issue_token(ctx.store, contact_id, now,
                                        set_password.RESET_LINK_LIFETIME,
                                        kind=set_password.RESET)


def _send_reset_mail(ctx: StubContext, login: Any, token: str) -> None:
    """The 'reset' link mail, in English plus the contact's language when there is a template."""
    mail.send_link_mail(
        mail.mailer_for(ctx.mailer, ctx.data_dir), set_password.RESET, to=login["email"],
        name=full_name(login["firstname"], login["lastname"]), user_name=login["user_name"],
        language=login["language"],
        link=set_password.link_for(ctx.base_url, token),
        hours=int(set_password.RESET_LINK_LIFETIME.total_seconds() // 3600))


@operation("send_mail_for_password", returns="string")
def send_mail_for_password(ctx: StubContext, email: Any) -> str:
    """Mail a set-password link to an active login; the same answer for every address."""
    address = to_php_string(email).strip() if not isinstance(email, (dict, list)) else ""
    if not address:
        return EMPTY_ANSWER
    login = _active_login(ctx, address)
    token = None if login is None else _issue_reset_token(ctx, login["contact_id"])
    if token is None:
        return GENERIC_ANSWER
    try:
        _send_reset_mail(ctx, login, token)
    except OSError:  # SMTP and file errors alike; the answer must not differ (see module doc)
        log.exception("could not send the password mail for contact %s", login["contact_id"])
    return GENERIC_ANSWER
