"""CrmClient: one method per customer-portal operation, typed results, one error tree.

The client is created once per process and shared by request threads: it holds no per-user
state, only the SOAP channel (a pooled HTTP session). Every answer goes through the codec
(exact nusoap decoding), then through ``tables`` (shape normalisation) into frozen models.
In-band errors become exceptions: sentinels -> NotAuthorized / ModuleInactive, a nil answer
where data is required -> SessionExpired (after a session probe where nil is ambiguous).
This module holds login, passwords, session stamps and portal settings; the business areas are
mixins over ``base.CrmBase``: ``tickets``, ``faq`` and ``records``.
See docs/crm-quirks.md for every server quirk tolerated here.
"""

from __future__ import annotations

import re
from typing import Any

from . import tables
from .base import flag, xml_safe
from .codec import as_list
from .errors import CrmError, LoginRefused, VersionIncompatible
from .faq import FaqOperations
from .markup import php_str, plain_text
from .models import CrmSession, Customer, PasswordMailResult
from .records import RecordOperations
from .tickets import TicketOperations

__all__ = ["CrmClient", "xml_safe"]

_PICKLIST_NAME = re.compile(r"^[_a-zA-Z0-9.]+$")


class CrmClient(TicketOperations, FaqOperations, RecordOperations):
    """The customer-portal SOAP API of one CRM, as typed Python calls."""

    # -- login, passwords, session ------------------------------------------------------

    def _authenticate(self, user_name: str, password: str, login: bool) -> Any:
        """authenticate_user: the contact's record, or the refusal as an exception."""
        result = self._call("authenticate_user", user_name, password, self.settings.version,
                            flag(login))
        items = tables.top_items(result)
        first = items[0] if items else None
        if isinstance(first, dict) and "id" in first:
            return first
        reason = php_str(first) if isinstance(first, str) else "UNEXPECTED_ANSWER"
        if reason == "NOT COMPATIBLE":
            raise VersionIncompatible(reason)
        raise LoginRefused(reason or "UNEXPECTED_ANSWER")

    def authenticate(self, user_name: str, password: str) -> Customer:
        """Log in: a new CRM session (the contact's previous one stops working)."""
        record = self._authenticate(user_name, password, login=True)
        if not record.get("sessionid"):
            raise LoginRefused("UNEXPECTED_ANSWER")
        name = php_str(record.get("user_name")) or user_name
        session = CrmSession(contact_id=php_str(record["id"]),
                             session_id=php_str(record["sessionid"]), user_name=name)
        return Customer(session=session, user_name=name,
                        last_login=tables.parse_timestamp(record.get("last_login_time")),
                        support_start=tables.parse_date(record.get("support_start_date")),
                        support_end=tables.parse_date(record.get("support_end_date")))

    def verify_password(self, user_name: str, password: str) -> bool:
        """Check credentials without creating or replacing a session (login='false')."""
        try:
            self._authenticate(user_name, password, login=False)
        except VersionIncompatible:
            raise
        except LoginRefused:
            return False
        return True

    def record_login(self, session: CrmSession) -> None:
        """update_login_details(login): stamps the login time (always answers nil)."""
        self._session_call(session, "update_login_details", flag="login")

    def logout(self, session: CrmSession) -> None:
        """update_login_details(logout): stamps the logout time; the CRM session stays valid."""
        self._session_call(session, "update_login_details", flag="logout")

    def change_password(self, session: CrmSession, old_password: str, new_password: str) -> None:
        """Verify the old password, change it, and verify the new one actually works."""
        operation = "change_password"
        if not self.verify_password(session.user_name, old_password):
            raise LoginRefused("INVALID_USERNAME_OR_PASSWORD", operation=operation)
        result = self._session_call(session, operation, username=session.user_name,
                                    password=new_password, version=self.settings.version)
        items = tables.top_items(self._data(result, operation))
        if items and items[0] == "MORE_THAN_ONE_USER":
            raise LoginRefused("MORE_THAN_ONE_USER", operation=operation)
        if not self.verify_password(session.user_name, new_password):
            raise CrmError("the CRM did not accept the new password", operation=operation)

    def request_password_mail(self, email: str) -> PasswordMailResult:
        """send_mail_for_password: 'true@@@<b>…</b>' / 'false@@@…'."""
        answer = php_str(self._call("send_mail_for_password", email))
        status, _, message = answer.partition("@@@")
        return PasswordMailResult(sent=status.strip() == "true", message=plain_text(message))

    # -- portal configuration (modules() lives in base: the record blocks need it) -------

    def show_all(self, module: str) -> bool:
        """Whether the admin lets contacts see their organisation's records of ``module``."""
        return php_str(self._call("show_all", module)) == "true"

    def account_id(self, contact_id: str) -> str | None:
        """The contact's organisation id, or None when it has none."""
        account = php_str(self._call("get_check_account_id", contact_id)).strip()
        return account if account not in ("", "0") else None

    def picklist(self, session: CrmSession, name: str) -> tuple[str, ...]:
        """The values of CRM picklist ``name`` for the portal user's role."""
        if not _PICKLIST_NAME.match(name):
            raise ValueError(f"not a picklist name: {name!r}")
        result = self._data(self._session_call(session, "get_picklists", picklist_name=name),
                            "get_picklists")
        return tuple(plain_text(php_str(value)) for value in as_list(result))
