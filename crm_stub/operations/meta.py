"""Portal configuration operations: modules, show_all, picklists, combo values, small lookups."""

from __future__ import annotations

import logging
import re
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations.formatting import htmlentities
from crm_stub.operations.params import member, session_contact
from crm_stub.operations.registry import operation
from crm_stub.operations.visibility import (
    active_modules, crm_module_enabled, entity_set, module_active, parse_id, show_all as
    _show_all)

log = logging.getLogger(__name__)

_PICKLIST_NAME = re.compile(r"^[_a-zA-Z0-9.]+$")
INACTIVE = "#MODULE INACTIVE#"


@operation("get_modules", required=0)
def get_modules(ctx: StubContext, *_ignored: Any) -> list[str]:
    """The visible portal tabs of enabled modules, in the admin's order (no session)."""
    return active_modules(ctx)


@operation("show_all", returns="string")
def show_all(ctx: StubContext, module: Any) -> str:
    """'true' when the module's records are shared across the organization ('Tickets' alias)."""
    return "true" if _show_all(ctx, module) else "false"


@operation("get_check_account_id", returns="string")
def get_check_account_id(ctx: StubContext, contact_id: Any) -> str:
    """The contact's organization id as text; '' for unknown contacts or none (no session)."""
    contact = parse_id(contact_id)
    if contact is None:
        return ""
    value = ctx.store.scalar(
        "SELECT c.account_id FROM contacts c JOIN entities e ON e.id = c.id"
        " WHERE c.id = ? AND e.deleted = 0", (contact,))
    return str(value) if value else ""


def picklist(ctx: StubContext, name: str) -> list[str]:
    """A picklist's values in sort order, entity-encoded as vtiger's query_result gives them."""
    rows = ctx.store.query(
        "SELECT value FROM picklist_values WHERE picklist = ? ORDER BY sortorder, value", (name,))
    return [htmlentities(row["value"]) for row in rows]


@operation("get_picklists")
def get_picklists(ctx: StubContext, params: Any) -> list[str] | None:
    """Values of a picklist; a malformed name is None before the session check."""
    name = member(params, "picklist_name")
    if not isinstance(name, str) or not _PICKLIST_NAME.match(name):
        return None
    if session_contact(ctx, params) is None:
        return None
    return picklist(ctx, name)


def _product_groups(ctx: StubContext) -> list[dict]:
    """productid/productname: every product, or the sentinel when the Products tab is off."""
    rows = ctx.store.query(
        "SELECT p.id, p.name FROM products p JOIN entities e ON e.id = p.id"
        " WHERE e.deleted = 0 ORDER BY p.id")
    if not rows:
        return []
    if not module_active(ctx, "Products"):
        return [{"productid": INACTIVE}, {"productname": INACTIVE}]
    return [{"productid": [str(row["id"]) for row in rows]},
            {"productname": [row["name"] for row in rows]}]


def _service_groups(ctx: StubContext, contact_id: int) -> list[dict]:
    """serviceid/servicename: contracts of the contact (and organization if shared)."""
    if not crm_module_enabled(ctx, "ServiceContracts"):
        return [{"serviceid": INACTIVE}, {"servicename": INACTIVE}]
    ids = entity_set(ctx, contact_id, "HelpDesk")
    marks = ",".join("?" for _ in ids)
    rows = ctx.store.query(
        f"SELECT s.id, s.subject FROM service_contracts s JOIN entities e ON e.id = s.id"
        f" WHERE e.deleted = 0 AND s.related_to IN ({marks}) ORDER BY s.id", tuple(ids))
    if not rows:
        return []
    return [{"serviceid": [str(row["id"]) for row in rows]},
            {"servicename": [htmlentities(row["subject"]) for row in rows]}]


@operation("get_combo_values")
def get_combo_values(ctx: StubContext, params: Any) -> list[dict] | None:
    """The New Ticket form's choices as one-key dicts; empty groups are left out."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    groups = _product_groups(ctx)
    for name in ("ticketpriorities", "ticketseverities", "ticketcategories"):
        values = picklist(ctx, name)
        if values:
            groups.append({name: values})
    return groups + _service_groups(ctx, contact_id)


@operation("updateCount", returns="string")
def update_count(ctx: StubContext, document_id: Any) -> str:
    """Count a download of an (external) document; always '1' like the CRM (no session)."""
    record = parse_id(document_id)
    if record is not None:
        ctx.store.execute(
            "UPDATE documents SET download_count = download_count + 1 WHERE id = ?"
            " AND id IN (SELECT id FROM entities WHERE deleted = 0)", (record,))
    return "1"
