"""Reading the struct parameter of vtiger's struct operations, and the session guard they share."""

from __future__ import annotations

from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations.formatting import to_php_string
from crm_stub.operations.visibility import parse_id, valid_session


def member(params: Any, key: str) -> Any:
    """A member of the struct parameter; None when absent or when no struct was sent."""
    return params.get(key) if isinstance(params, dict) else None


def text(params: Any, key: str) -> str:
    """A member as PHP would use it in a string context ('' for absent/null)."""
    value = member(params, key)
    return "" if isinstance(value, (dict, list)) else to_php_string(value)


def record(params: Any, key: str) -> int | None:
    """A member holding a record id (digits only), else None."""
    return parse_id(member(params, key))


def session_contact(ctx: StubContext, params: Any) -> int | None:
    """The caller's contact id if ``id``/``sessionid`` form its current session, else None."""
    contact_id = record(params, "id")
    if contact_id is None or not valid_session(ctx, contact_id, member(params, "sessionid")):
        return None
    return contact_id
