"""HelpDesk operations: list, create, comment, close (PROTOCOL 4.3–4.5, 4.9, 4.10, 4.13).

Answers have berliCRM's shapes, but every ticket id is checked against the caller (PROTOCOL
6.4): a foreign ticket has no comments (``[]``, the same as an uncommented ticket, so ids cannot
be probed), cannot be commented on or closed (``'#NOT AUTHORIZED#'``), and its creator is ''.
Comments are always attributed to the caller, whatever ``ownerid`` says. With
``authorization = lax`` (see ``visibility``) any existing ticket is read, commented and closed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations.params import member, record, session_contact, text
from crm_stub.operations.registry import operation
from crm_stub.operations.visibility import (
    can_see_record, contact_account, entity_set, is_lax, may_close_ticket)
from crm_stub.store import format_time, full_name

log = logging.getLogger(__name__)

#: berliCRM's default HelpDesk list columns: (label, field name as in hidden_fields).
TICKET_COLUMNS = [("Ticket No", "ticket_no"), ("Subject", "title"), ("Related to", "account_id"),
                  ("Contact Name", "contact_id"), ("Status", "status"),
                  ("Priority", "priority"), ("Assigned To", "owner_id")]
_TICKET_SELECT = (
    "SELECT t.*, e.owner_id, a.name AS account_name, c.firstname, c.lastname"
    " FROM tickets t JOIN entities e ON e.id = t.id AND e.deleted = 0"
    " LEFT JOIN accounts a ON a.id = t.account_id"
    " LEFT JOIN contacts c ON c.id = t.contact_id")


#: Fields an admin may add to the HelpDesk list view, with their default labels.
EXTRA_COLUMNS = {"severity": "Severity", "category": "Category"}
#: portal_prefs key standing in for the CRM's HelpDesk list view: comma-separated field names,
#: each optionally ``field=Label`` (a label as a CRM in another language would send it).
LIST_FIELDS_PREF = "helpdesk_list_fields"


def list_columns(ctx: StubContext) -> list[tuple[str, str]]:
    """The HelpDesk list view's columns: berliCRM's default, or the one set in portal_prefs."""
    configured = ctx.store.pref(LIST_FIELDS_PREF).strip()
    if not configured:
        return list(TICKET_COLUMNS)
    labels = {field: label for label, field in TICKET_COLUMNS} | EXTRA_COLUMNS
    columns = []
    for entry in configured.split(","):
        field, _, label = entry.strip().partition("=")
        if field in labels:
            columns.append((label.strip() or labels[field], field))
    return columns


def visible_columns(ctx: StubContext) -> list[tuple[str, str]]:
    """The list columns minus those hidden from the portal user's profile."""
    hidden = {row["fieldname"] for row in ctx.store.query(
        "SELECT fieldname FROM hidden_fields WHERE module = 'HelpDesk'")}
    return [column for column in list_columns(ctx) if column[1] not in hidden]


def ticket_cell(ctx: StubContext, row: Any, field: str) -> str:
    """One list cell as get_tickets_list renders it (anchors, owner name, encoded text)."""
    if field == "title":
        return fmt.ticket_anchor(row["id"], row["title"])
    if field == "account_id":
        return fmt.account_anchor(row["account_id"], row["account_name"]) \
            if row["account_name"] is not None else ""
    if field == "contact_id":
        if row["lastname"] is None:
            return ""
        return fmt.contact_anchor(row["contact_id"], full_name(row["firstname"], row["lastname"]))
    if field == "owner_id":
        return fmt.htmlentities(ctx.store.owner_name(row["owner_id"]))
    return fmt.htmlentities(row[field])


def ticket_rows(ctx: StubContext, rows: list, columns: list[tuple[str, str]]) -> list[list]:
    """Rows of ticket cells for ``columns``."""
    return [[ticket_cell(ctx, row, field) for _, field in columns] for row in rows]


@operation("get_tickets_list")
def get_tickets_list(ctx: StubContext, params: Any) -> list | None:
    """Shape T1 of the caller's (or organization's) tickets; ``where`` is ignored (PROTOCOL 6.1)."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    ids = entity_set(ctx, contact_id, "HelpDesk", member(params, "onlymine"))
    marks = ",".join("?" for _ in ids)
    rows = ctx.store.query(
        f"{_TICKET_SELECT} WHERE t.contact_id IN ({marks}) OR t.account_id IN ({marks})"
        f" ORDER BY t.id", (*ids, *ids))
    columns = visible_columns(ctx)
    return fmt.t1_table([label for label, _ in columns], ticket_rows(ctx, rows, columns))


def _picked(ctx: StubContext, picklist: str, value: str) -> str:
    """``value`` if it is one of the picklist's values, else ''."""
    found = ctx.store.scalar("SELECT 1 FROM picklist_values WHERE picklist = ? AND value = ?",
                             (picklist, value))
    return value if found else ""


def _next_ticket_no(ctx: StubContext) -> str:
    numbers = [int(match.group(1)) for (no,) in ctx.store.query("SELECT ticket_no FROM tickets")
               if (match := re.fullmatch(r"TT(\d+)", no))]
    return f"TT{max(numbers, default=0) + 1}"


def _visible_contract(ctx: StubContext, contact_id: int, contract_id: int | None) -> bool:
    ids = entity_set(ctx, contact_id, "HelpDesk")
    row = ctx.store.query_one("SELECT related_to FROM service_contracts WHERE id = ?",
                              (contract_id,))
    return row is not None and row["related_to"] in ids


def _visible_project(ctx: StubContext, contact_id: int, project_id: int | None) -> bool:
    return project_id is not None and can_see_record(ctx, contact_id, "Project", project_id)


def _insert_ticket(ctx: StubContext, contact_id: int, params: Any) -> int:
    now = ctx.clock()
    owner = int(ctx.store.pref("defaultassignee", "1"))
    ticket_id = ctx.store.new_entity("HelpDesk", owner, int(ctx.store.pref("userid", "1")), now)
    product = record(params, "product_id")
    if product is not None and ctx.store.scalar("SELECT 1 FROM products WHERE id = ?",
                                                (product,)) is None:
        product = None
    ctx.store.insert(
        "tickets", id=ticket_id, ticket_no=_next_ticket_no(ctx), title=text(params, "title"),
        description=text(params, "description"), status="Open",
        priority=_picked(ctx, "ticketpriorities", text(params, "priority")),
        severity=_picked(ctx, "ticketseverities", text(params, "severity")),
        category=_picked(ctx, "ticketcategories", text(params, "category")),
        contact_id=contact_id, account_id=contact_account(ctx, contact_id), product_id=product,
        from_portal=1)
    return ticket_id


@operation("create_ticket")
def create_ticket(ctx: StubContext, params: Any) -> list | None:
    """Open a ticket for the caller (parent_id must be the caller), relating visible records."""
    contact_id = session_contact(ctx, params)
    if contact_id is None or record(params, "parent_id") != contact_id:
        return None
    if not text(params, "title").strip():
        return None
    with ctx.store.transaction():
        ticket_id = _insert_ticket(ctx, contact_id, params)
        contract, project = record(params, "serviceid"), record(params, "projectid")
        if _visible_contract(ctx, contact_id, contract):
            ctx.store.insert("relations", crmid=contract, module="ServiceContracts",
                             relcrmid=ticket_id, relmodule="HelpDesk")
        if _visible_project(ctx, contact_id, project):
            ctx.store.insert("relations", crmid=project, module="Project",
                             relcrmid=ticket_id, relmodule="HelpDesk")
    log.info("contact %s created ticket %s", contact_id, ticket_id)
    return [{"new_ticket": {"ticketid": str(ticket_id)}}]


def _comment_owner(row: Any) -> str:
    if row["portal_user"] is not None:
        return row["portal_user"]
    return full_name(row["first_name"], row["last_name"])


@operation("get_ticket_comments")
def get_ticket_comments(ctx: StubContext, params: Any) -> list | None:
    """The ticket's comments, newest first; [] for none and for tickets the caller can't see."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    ticket_id = record(params, "ticketid")
    if ticket_id is None or not can_see_record(ctx, contact_id, "HelpDesk", ticket_id):
        return []
    rows = ctx.store.query(
        "SELECT m.content, m.created, p.user_name AS portal_user, u.first_name, u.last_name"
        " FROM ticket_comments m JOIN entities e ON e.id = m.id AND e.deleted = 0"
        " LEFT JOIN portal_users p ON p.contact_id = m.contact_id"
        " LEFT JOIN users u ON u.id = m.user_id"
        " WHERE m.ticket_id = ? ORDER BY m.created DESC, m.id DESC", (ticket_id,))
    return [{"owner": fmt.htmlentities(_comment_owner(row)),
             "comments": fmt.encoded_multiline(row["content"]), "createdtime": row["created"]}
            for row in rows]


@operation("update_ticket_comment")
def update_ticket_comment(ctx: StubContext, params: Any) -> None:
    """Add the caller's comment to a ticket it can see; always None, like the CRM."""
    contact_id = session_contact(ctx, params)
    ticket_id = record(params, "ticketid")
    content = text(params, "comments")
    if contact_id is None or ticket_id is None or not content.strip():
        return None
    if not can_see_record(ctx, contact_id, "HelpDesk", ticket_id):
        log.warning("contact %s may not comment on ticket %s", contact_id, ticket_id)
        return None
    now = ctx.clock()
    portal_user = int(ctx.store.pref("userid", "1"))
    with ctx.store.transaction():
        comment_id = ctx.store.new_entity("ModComments", portal_user, portal_user, now)
        ctx.store.insert("ticket_comments", id=comment_id, ticket_id=ticket_id, content=content,
                         contact_id=contact_id, from_portal=1, created=format_time(now))
        ctx.store.touch(ticket_id, now)
    return None


def _closable(ctx: StubContext, contact_id: int, ticket_id: int) -> bool:
    """The caller may close the ticket; in lax mode any existing ticket, as berliCRM does."""
    if is_lax(ctx):
        return can_see_record(ctx, contact_id, "HelpDesk", ticket_id)
    return may_close_ticket(ctx, contact_id, ticket_id)


@operation("close_current_ticket", returns="string")
def close_current_ticket(ctx: StubContext, params: Any) -> str | None:
    """Close a ticket the caller may close: 'closed'; otherwise '#NOT AUTHORIZED#'."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    ticket_id = record(params, "ticketid")
    if ticket_id is None or not _closable(ctx, contact_id, ticket_id):
        return fmt.NOT_AUTHORIZED[0]
    with ctx.store.transaction():
        ctx.store.execute("UPDATE tickets SET status = 'Closed', from_portal = 1 WHERE id = ?",
                          (ticket_id,))
        ctx.store.touch(ticket_id, ctx.clock())
    return "closed"


@operation("get_ticket_creator", returns="string")
def get_ticket_creator(ctx: StubContext, params: Any) -> str | None:
    """The CRM user who created a ticket the caller can see; '' otherwise (a session probe)."""
    contact_id = session_contact(ctx, params)
    if contact_id is None:
        return None
    ticket_id = record(params, "ticketid")
    if not ticket_id or not can_see_record(ctx, contact_id, "HelpDesk", ticket_id):
        return ""
    creator = ctx.store.scalar("SELECT creator_id FROM entities WHERE id = ?", (ticket_id,))
    return "" if creator is None else str(creator)
