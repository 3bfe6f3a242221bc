"""Who may see what: active modules, the entity set E, record permissions, sessions.

Implements the berliCRM visibility model of PROTOCOL 4.0, strict where the real CRM is buggy
(PROTOCOL 6.4): assets are compared with the contact's own organization, deleted records are
never visible, and session ids are compared as strings only, in constant time (PROTOCOL 6.3).

The portal preference ``authorization = lax`` (``crm-stub admin authorization lax``) turns the
record checks off, as the worst case of a real berliCRM: every record operation then answers for
any existing record of the module it names (the CRM's unchecked comments, close, attachments,
downloads, document lists and project components of PROTOCOL 6.4, and get_details, get_pdf and
friends too), so tests see the portal's own ownership checks alone. Module-active and session
checks stay; lists still show only the entity set.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any, Callable

from crm_stub.context import StubContext

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"^\s*\d+\s*$")
MODULE_ALIASES = {"Tickets": "HelpDesk"}
#: portal_prefs key and values of the authorization switch (see the module docstring).
AUTHORIZATION_PREF = "authorization"
STRICT, LAX = "strict", "lax"
AUTHORIZATION_MODES = (STRICT, LAX)


def is_lax(ctx: StubContext) -> bool:
    """Whether record operations skip the ownership checks (``authorization = lax``)."""
    return ctx.store.pref(AUTHORIZATION_PREF, STRICT) == LAX


def parse_id(value: Any) -> int | None:
    """A record id from a request value (int or digit string), else None; never PHP's '4x'->4."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def active_modules(ctx: StubContext) -> list[str]:
    """Portal tabs that are visible and whose CRM module is enabled, in sequence order."""
    rows = ctx.store.query(
        "SELECT name FROM portal_modules WHERE visible = 1 AND enabled = 1"
        " ORDER BY sequence, tabid")
    return [row["name"] for row in rows]


def module_active(ctx: StubContext, module: Any) -> bool:
    """True if ``module`` is in get_modules (the CRM's notion of "module active")."""
    if not isinstance(module, str):
        return False
    row = ctx.store.query_one(
        "SELECT 1 FROM portal_modules WHERE name = ? AND visible = 1 AND enabled = 1", (module,))
    return row is not None


def crm_module_enabled(ctx: StubContext, module: str) -> bool:
    """True if the CRM module itself is enabled (vtiger_tab.presence), tab visible or not."""
    row = ctx.store.query_one("SELECT enabled FROM portal_modules WHERE name = ?", (module,))
    return row is None or bool(row["enabled"])


def show_all(ctx: StubContext, module: Any) -> bool:
    """The module's "See records across organization" preference; 'Tickets' = HelpDesk."""
    if not isinstance(module, str):
        return False
    name = MODULE_ALIASES.get(module, module)
    value = ctx.store.scalar("SELECT show_related FROM portal_modules WHERE name = ?", (name,))
    return bool(value)


def contact_account(ctx: StubContext, contact_id: int) -> int | None:
    """The organization of a non-deleted contact, or None."""
    value = ctx.store.scalar(
        "SELECT c.account_id FROM contacts c JOIN entities e ON e.id = c.id"
        " WHERE c.id = ? AND e.deleted = 0", (contact_id,))
    return int(value) if value else None


def _is_mine(only_mine: Any) -> bool:
    return only_mine is True or only_mine == "true"


def entity_set(ctx: StubContext, contact_id: int, module: str, only_mine: Any = None) -> set[int]:
    """E: the contact, plus (if show_all and not only-mine) its colleagues and organization."""
    entities = {int(contact_id)}
    if _is_mine(only_mine) or not show_all(ctx, module):
        return entities
    account_id = contact_account(ctx, contact_id)
    if account_id is None:
        return entities
    rows = ctx.store.query(
        "SELECT c.id FROM contacts c JOIN entities e ON e.id = c.id"
        " WHERE c.account_id = ? AND e.deleted = 0", (account_id,))
    entities.update(row["id"] for row in rows)
    entities.add(account_id)
    return entities


def _marks(ids: set[int]) -> str:
    return ",".join("?" for _ in ids)


def record_module(ctx: StubContext, record_id: int) -> str | None:
    """The module of a non-deleted record, or None."""
    return ctx.store.scalar("SELECT module FROM entities WHERE id = ? AND deleted = 0",
                            (record_id,))


def _related_any(ctx: StubContext, record_id: int, ids: set[int]) -> bool:
    """vtiger_crmentityrel in either direction between the record and any of ``ids``."""
    marks = _marks(ids)
    sql = (f"SELECT 1 FROM relations WHERE (crmid = ? AND relcrmid IN ({marks}))"
           f" OR (relcrmid = ? AND crmid IN ({marks})) LIMIT 1")
    return ctx.store.query_one(sql, (record_id, *ids, record_id, *ids)) is not None


def _on_inventory_of(ctx: StubContext, item_id: int, ids: set[int]) -> bool:
    """A line item of a quote or invoice whose contact or account is in ``ids``."""
    marks = _marks(ids)
    for table in ("quotes", "invoices"):
        sql = (f"SELECT 1 FROM inventory_lines l JOIN {table} d ON d.id = l.parent_id"
               f" JOIN entities e ON e.id = d.id AND e.deleted = 0 WHERE l.item_id = ?"
               f" AND (d.contact_id IN ({marks}) OR d.account_id IN ({marks})) LIMIT 1")
        if ctx.store.query_one(sql, (item_id, *ids, *ids)) is not None:
            return True
    return False


def _projects_of(ctx: StubContext, ids: set[int]) -> set[int]:
    rows = ctx.store.query(
        f"SELECT p.id FROM projects p JOIN entities e ON e.id = p.id AND e.deleted = 0"
        f" WHERE p.linked_to IN ({_marks(ids)})", tuple(ids))
    return {row["id"] for row in rows}


def _products_ok(ctx, contact_id, record_id, ids) -> bool:
    sql = f"SELECT 1 FROM product_relations WHERE product_id = ? AND crmid IN ({_marks(ids)})"
    return (ctx.store.query_one(sql, (record_id, *ids)) is not None
            or _on_inventory_of(ctx, record_id, ids))


def _services_ok(ctx, contact_id, record_id, ids) -> bool:
    return _related_any(ctx, record_id, ids) or _on_inventory_of(ctx, record_id, ids)


def _document_ok(ctx, contact_id, record_id, ids) -> bool:
    related = {row["crmid"] for row in ctx.store.query(
        "SELECT r.crmid FROM document_relations r JOIN entities e ON e.id = r.crmid"
        " AND e.deleted = 0 WHERE r.document_id = ?", (record_id,))}
    if related & ids:
        return True
    if module_active(ctx, "Project") and related & _projects_of(ctx, ids):
        return True
    return any(record_module(ctx, crmid) == "Faq" for crmid in related)


def _ticket_ok(ctx, contact_id, record_id, ids) -> bool:
    ticket = ctx.store.query_one("SELECT contact_id, account_id FROM tickets WHERE id = ?",
                                 (record_id,))
    if ticket is None:
        return False
    if ticket["contact_id"] in ids or ticket["account_id"] in ids:
        return True
    projects = _projects_of(ctx, ids)
    return bool(projects) and _related_any(ctx, record_id, projects)


def _document_owner_ok(table: str) -> Callable[..., bool]:
    def check(ctx, contact_id, record_id, ids) -> bool:
        sql = (f"SELECT 1 FROM {table} WHERE id = ? AND (contact_id IN ({_marks(ids)})"
               f" OR account_id IN ({_marks(ids)}))")
        return ctx.store.query_one(sql, (record_id, *ids, *ids)) is not None
    return check


def _account_ok(ctx, contact_id, record_id, ids) -> bool:
    return contact_account(ctx, contact_id) == record_id


def _asset_ok(ctx, contact_id, record_id, ids) -> bool:
    """Strict: the asset belongs to the contact's organization (or to a contact of E)."""
    asset = ctx.store.query_one("SELECT account_id, contact_id FROM assets WHERE id = ?",
                                (record_id,))
    if asset is None:
        return False
    account_id = contact_account(ctx, contact_id)
    return (account_id is not None and asset["account_id"] == account_id) \
        or asset["contact_id"] in ids


def _project_ok(ctx, contact_id, record_id, ids) -> bool:
    return record_id in _projects_of(ctx, ids)


_RULES: dict[str, Callable[..., bool]] = {
    "Products": _products_ok,
    "Services": _services_ok,
    "Quotes": _document_owner_ok("quotes"),
    "Invoice": _document_owner_ok("invoices"),
    "Documents": _document_ok,
    "HelpDesk": _ticket_ok,
    "Accounts": _account_ok,
    "Assets": _asset_ok,
    "Project": _project_ok,
}


def can_see_record(ctx: StubContext, contact_id: int, module: str, record_id: int) -> bool:
    """The per-module record rule of check_permission, without the module-active test."""
    if record_module(ctx, record_id) != module:
        return False
    if is_lax(ctx):
        return True
    ids = entity_set(ctx, contact_id, module)
    if record_id in ids:
        return True
    rule = _RULES.get(module)
    return rule is not None and rule(ctx, contact_id, record_id, ids)


def check_permission(ctx: StubContext, contact_id: Any, module: Any, record_id: Any) -> bool:
    """PROTOCOL 4.0 check_permission: module active, then the record's rule (strict)."""
    contact, record = parse_id(contact_id), parse_id(record_id)
    if contact is None or record is None or not module_active(ctx, module):
        return False
    return can_see_record(ctx, contact, module, record)


def may_close_ticket(ctx: StubContext, contact_id: int, ticket_id: int) -> bool:
    """PROTOCOL 4.20: the ticket's own contact, or a colleague within the ticket's organization."""
    ticket = ctx.store.query_one("SELECT contact_id, account_id FROM tickets WHERE id = ?",
                                 (ticket_id,))
    if ticket is None or record_module(ctx, ticket_id) != "HelpDesk":
        return False
    if ticket["contact_id"] == contact_id:
        return True
    account_id = ticket["account_id"]
    if not account_id or contact_account(ctx, contact_id) != account_id:
        return False
    return ticket["contact_id"] is None or contact_account(ctx, ticket["contact_id"]) == account_id


def valid_session(ctx: StubContext, contact_id: Any, session_id: Any) -> bool:
    """The contact's current session, compared as strings in constant time (no type juggling)."""
    contact = parse_id(contact_id)
    if contact is None or not isinstance(session_id, str) or not session_id:
        return False
    stored = ctx.store.scalar("SELECT session_id FROM sessions WHERE contact_id = ?", (contact,))
    if not isinstance(stored, str) or not stored:
        return False
    return hmac.compare_digest(stored.encode("utf-8"), session_id.encode("utf-8"))
