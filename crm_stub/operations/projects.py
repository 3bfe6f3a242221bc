"""``get_project_components`` and ``get_project_tickets`` (PROTOCOL 4.32, 4.33).

STRICT where berliCRM is not: the project must be one the contact may see (its
``linked_to`` in the entity set), otherwise ``['#NOT AUTHORIZED#']``.
"""

from __future__ import annotations

import logging
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations import visibility as vis
from crm_stub.operations.records import Refusal, contact_name, module_refusal, record_label
from crm_stub.operations.registry import operation

log = logging.getLogger(__name__)

#: Labels (untranslated, as berliCRM sends them) and columns of each component table.
COMPONENTS = {
    "ProjectTask": (("Project Task Name", "Start Date", "End Date", "Type", "Status",
                     "Progress", "Assigned To"),
                    "project_tasks", ("name", "start_date", "end_date", "type", "status",
                                      "progress")),
    "ProjectMilestone": (("Project Milestone Name", "Milestone Date", "Type"),
                         "project_milestones", ("name", "milestone_date", "type")),
}
TICKET_HEADERS = ("Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
                  "Assigned To")


def _project_refusal(ctx: StubContext, project: Any, module: Any, contact: Any,
                     session: Any) -> Refusal | None:
    """Module active, session, then STRICT project visibility; None when all pass."""
    refusal = module_refusal(ctx, module, contact, session)
    if refusal is not None:
        return refusal
    project_id, contact_id = vis.parse_id(project), vis.parse_id(contact)
    if project_id is None or not vis.can_see_record(ctx, contact_id, "Project", project_id):
        return Refusal(fmt.not_authorized())
    return None


@operation("get_project_components", returns="array", required=4)
def get_project_components(ctx: StubContext, id: Any, module: Any, customerid: Any,
                           sessionid: Any) -> Any:
    """A project's tasks or milestones as T2, values raw except the owner's name."""
    refusal = _project_refusal(ctx, id, module, customerid, sessionid)
    if refusal is not None:
        return refusal.answer
    if module not in COMPONENTS:
        log.info("get_project_components for unsupported module %r", module)
        return None
    labels, table, columns = COMPONENTS[module]
    rows = ctx.store.query(
        f"SELECT c.*, e.owner_id FROM {table} c JOIN entities e ON e.id = c.id AND e.deleted = 0"
        f" WHERE c.project_id = ? ORDER BY c.id", (vis.parse_id(id),))
    cells = [[row[column] for column in columns]
             + ([ctx.store.owner_name(row["owner_id"])] if len(labels) > len(columns) else [])
             for row in rows]
    return fmt.t2_table(module, labels, cells)


def _ticket_row(ctx: StubContext, ticket: Any) -> list[str]:
    account, contact = ticket["account_id"], ticket["contact_id"]
    return [fmt.htmlentities(ticket["ticket_no"]), fmt.ticket_anchor(ticket["id"], ticket["title"]),
            fmt.account_anchor(account, record_label(ctx, account)) if account else "",
            fmt.contact_anchor(contact, contact_name(ctx, contact)) if contact else "",
            fmt.htmlentities(ticket["status"]), fmt.htmlentities(ticket["priority"]),
            ctx.store.owner_name(ticket["owner_id"])]


@operation("get_project_tickets", returns="array", required=4)
def get_project_tickets(ctx: StubContext, id: Any, module: Any, customerid: Any,
                        sessionid: Any) -> Any:
    """The tickets related to a project (crmentityrel, either way) as T2 under HelpDesk."""
    refusal = _project_refusal(ctx, id, module, customerid, sessionid)
    if refusal is not None:
        return refusal.answer
    project_id = vis.parse_id(id)
    tickets = ctx.store.query(
        "SELECT t.*, e.owner_id FROM tickets t JOIN entities e ON e.id = t.id AND e.deleted = 0"
        " WHERE t.id IN (SELECT relcrmid FROM relations WHERE crmid = ?"
        "                UNION SELECT crmid FROM relations WHERE relcrmid = ?) ORDER BY t.id",
        (project_id, project_id))
    return fmt.t2_table("HelpDesk", TICKET_HEADERS, [_ticket_row(ctx, row) for row in tickets])
