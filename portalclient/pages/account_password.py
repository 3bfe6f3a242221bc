"""The portal's password policy (the CRM has none, PROTOCOL 3.7) and the change-password steps.

Passwords are never logged, stored, or written back into a page.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from portalclient.crm.errors import (CrmError, CrmUnavailable, LoginRefused, SessionExpired,
                                     VersionIncompatible)
from portalclient.crm.models import CrmSession
from portalclient.crm_access import get_crm
from portalclient.throttle import LOGIN, client_keys, get_throttle

log = logging.getLogger(__name__)

MIN_LENGTH = 8
#: The stub's set-password page accepts up to 256 characters; long pass phrases are welcome.
MAX_LENGTH = 256

OLD_MISSING = _l("Please enter your current password.")
TOO_SHORT = _l("The new password must have at least %(count)d characters.", count=MIN_LENGTH)
TOO_LONG = _l("The new password must have at most %(count)d characters.", count=MAX_LENGTH)
SAME_AS_OLD = _l("The new password must be different from the current one.")
NO_MATCH = _l("The two new passwords are not the same.")
OLD_WRONG = _l("Your current password is not correct.")
NOT_USABLE = _l("This password cannot be used. Please choose another one.")
NOT_ACCEPTED = _l("The support system did not accept the new password. Please try again "
                  "later.")
UNREACHABLE = _l("The support system is not reachable right now; your password has not been "
                 "changed. Please try again in a few minutes.")


TOO_MANY = _l("Too many wrong passwords. Please wait a few minutes and try again.")


class PasswordRefused(Exception):
    """The change was refused; carries the message to show, the field at fault and a status."""

    def __init__(self, message: object, field: str, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status


def check_policy(old: str, new: str, repeat: str) -> None:
    """Raise PasswordRefused for the first rule ``new`` breaks (checked before the CRM is asked)."""
    if not old:
        raise PasswordRefused(OLD_MISSING, "old_password")
    if len(new) < MIN_LENGTH:
        raise PasswordRefused(TOO_SHORT, "new_password")
    if len(new) > MAX_LENGTH:
        raise PasswordRefused(TOO_LONG, "new_password")
    if new == old:
        raise PasswordRefused(SAME_AS_OLD, "new_password")
    if new != repeat:
        raise PasswordRefused(NO_MATCH, "repeat_password")


def change_password(crm_session: CrmSession, old: str, new: str, repeat: str) -> None:
    """Check the policy, then let the CRM client verify the old password and set the new one.

    A wrong current password counts against the login throttle, so a borrowed session cannot
    be used to guess the password without limit. SessionExpired propagates (the error handlers
    send the customer to the login page).
    """
    check_policy(old, new, repeat)
    _check_throttle(crm_session.user_name)
    try:
        get_crm().change_password(crm_session, old, new)
    except SessionExpired:
        raise
    except VersionIncompatible:
        log.error("the CRM refused our protocol version during a password change")
        raise PasswordRefused(NOT_ACCEPTED, "", 502) from None
    except LoginRefused as exc:
        log.info("password change refused by the CRM (%s)", exc.reason)
        if exc.reason == "MORE_THAN_ONE_USER":
            raise PasswordRefused(NOT_USABLE, "new_password") from None
        get_throttle(LOGIN).record_failure(client_keys(crm_session.user_name))
        raise PasswordRefused(OLD_WRONG, "old_password") from None
    except CrmUnavailable as exc:
        log.warning("CRM unavailable for a password change: %s", exc)
        raise PasswordRefused(UNREACHABLE, "", 503) from None
    except CrmError as exc:
        log.error("CRM error during a password change: %s", exc)
        raise PasswordRefused(NOT_ACCEPTED, "", 502) from None
    log.info("password changed for contact %s", crm_session.contact_id)


def _check_throttle(user_name: str) -> None:
    """429 while the account or the address is locked out by failed logins or old passwords."""
    if get_throttle(LOGIN).retry_after(client_keys(user_name)):
        raise PasswordRefused(TOO_MANY, "old_password", 429)
