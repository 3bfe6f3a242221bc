"""Portal logins: authenticate_user, change_password, update_login_details (PROTOCOL 3).

Behaves like berliCRM/vtiger 6.5 on the wire, but with random 192-bit session ids, hashed
passwords and string-only session comparison (PROTOCOL 6.3, 8.2.8).
"""

from __future__ import annotations

import logging
import re
import secrets
import string
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from crm_stub.context import StubContext
from crm_stub.operations.formatting import to_php_string
from crm_stub.operations.params import member, session_contact, text
from crm_stub.operations.registry import operation
from crm_stub.set_password import void_links
from crm_stub.store import ACTIVE_LOGINS, format_time

log = logging.getLogger(__name__)

INVALID_LOGIN = "INVALID_USERNAME_OR_PASSWORD"
SESSION_ALPHABET = string.ascii_letters + string.digits
SESSION_LENGTH = 32  # 32 * log2(62) ≈ 190 bits
MINIMUM_VERSION = "5.1.0"
_SPECIAL_FORMS = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "RC": 3, "rc": 3, "#": 4,
                  "pl": 5, "p": 5}


def _version_parts(version: str) -> list[str]:
    """PHP version_compare's canonical form: separators unified, digit/letter runs split."""
    canonical = re.sub(r"[-_+]", ".", version)
    canonical = re.sub(r"(?<=\d)(?=[^\d.])|(?<=[^\d.])(?=\d)", ".", canonical)
    return [part for part in canonical.split(".") if part]


def _compare_part(left: str, right: str) -> int:
    if left.isdigit() and right.isdigit():
        return (int(left) > int(right)) - (int(left) < int(right))
    left_rank = 4 if left.isdigit() else _SPECIAL_FORMS.get(left, -1)
    right_rank = 4 if right.isdigit() else _SPECIAL_FORMS.get(right, -1)
    return (left_rank > right_rank) - (left_rank < right_rank)


def version_compare(left: str, right: str) -> int:
    """PHP ``version_compare($a, $b)`` without operator: -1, 0 or 1."""
    left_parts, right_parts = _version_parts(left), _version_parts(right)
    for a, b in zip(left_parts, right_parts):
        result = _compare_part(a, b)
        if result:
            return result
    # PHP: the shorter side counts as '#' against the longer side's next part.
    if len(left_parts) > len(right_parts):
        extra = left_parts[len(right_parts)]
        return 1 if extra.isdigit() else _compare_part(extra, "#")
    if len(right_parts) > len(left_parts):
        extra = right_parts[len(left_parts)]
        return -1 if extra.isdigit() else _compare_part("#", extra)
    return 0


def new_session_id() -> str:
    """A cryptographically random alphanumeric session id."""
    return "".join(secrets.choice(SESSION_ALPHABET) for _ in range(SESSION_LENGTH))


def _login_row(ctx: StubContext, user_name: str) -> Any:
    """The active, portal-enabled login of that name inside its support window, or None."""
    return ctx.store.query_one(
        "SELECT p.contact_id, p.user_name, p.password_hash, p.last_login_time,"
        " c.support_start, c.support_end" + ACTIVE_LOGINS +
        " AND p.user_name = ? AND c.support_start <= ? AND c.support_end >= ?",
        (user_name, ctx.today().isoformat(), ctx.today().isoformat()))


def _replace_session(ctx: StubContext, contact_id: int) -> str:
    """Start the contact's one session, invalidating the previous one."""
    session_id = new_session_id()
    ctx.store.execute(
        "INSERT INTO sessions(contact_id, session_id, created) VALUES (?, ?, ?)"
        " ON CONFLICT(contact_id) DO UPDATE SET session_id = excluded.session_id,"
        " created = excluded.created", (contact_id, session_id, format_time(ctx.clock())))
    return session_id


@operation("authenticate_user", required=3)
def authenticate_user(ctx: StubContext, user_name: Any, user_password: Any, version: Any,
                      login: Any = "true") -> list:
    """Check a portal login; echo the password sent; new session unless login == 'false'."""
    if version_compare(to_php_string(version), MINIMUM_VERSION) < 0:
        return ["NOT COMPATIBLE"]
    password = to_php_string(user_password)
    row = _login_row(ctx, to_php_string(user_name))
    if row is None or not password or not check_password_hash(row["password_hash"], password):
        return [INVALID_LOGIN]
    user = {"id": str(row["contact_id"]), "user_name": row["user_name"],
            "user_password": password, "last_login_time": row["last_login_time"] or "",
            "support_start_date": row["support_start"], "support_end_date": row["support_end"]}
    if login != "false":
        user["sessionid"] = _replace_session(ctx, row["contact_id"])
    return [user]


@operation("change_password")
def change_password(ctx: StubContext, params: Any) -> list | None:
    """Set a new password (hashed) and answer what authenticating with it answers (PROTOCOL 3.7)."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    user_name, password = text(params, "username"), text(params, "password")
    result = authenticate_user(ctx, user_name, password, member(params, "version"), "false")
    if isinstance(result[0], dict) and result[0]["id"] != str(contact_id):
        return ["MORE_THAN_ONE_USER"]
    if password:
        with ctx.store.transaction():
            changed = ctx.store.execute(
                "UPDATE portal_users SET password_hash = ? WHERE contact_id = ? AND user_name = ?",
                (generate_password_hash(password), contact_id, user_name)).rowcount
            if changed:
                void_links(ctx.store, contact_id)
    return result


@operation("update_login_details", returns="string")
def update_login_details(ctx: StubContext, params: Any) -> None:
    """Record login/logout times; the session itself is untouched (PROTOCOL 3.5)."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    now = format_time(ctx.clock())
    flag = member(params, "flag")
    if flag == "login":
        ctx.store.execute("UPDATE portal_users SET login_time = ? WHERE contact_id = ?",
                          (now, contact_id))
    elif flag == "logout":
        ctx.store.execute(
            "UPDATE portal_users SET logout_time = ?, last_login_time = login_time"
            " WHERE contact_id = ?", (now, contact_id))
    return None
