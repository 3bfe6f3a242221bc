"""Projects: list, detail with tasks, milestones, tickets and documents."""

from __future__ import annotations

from typing import Sequence

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.crm.models import Cell
from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages import customer_lists as lists
from portalclient.pages.common import (Scope, SortOrder, list_scope, matches, module_page,
                                       paginate, search_query, sort_order, sorted_by)
from portalclient.pages.projects_sections import (load_project, percent_of, percent_text,
                                                  project_name)
from portalclient.session import current_customer

bp = Blueprint("projects", __name__)

MODULE = "Project"
TICKETS_MODULE = "HelpDesk"
NEW_TICKET_ENDPOINT = "tickets.new"


@bp.record_once
def _menu(state) -> None:
    register_module_page(state.app, MODULE, "projects.index", _l("Projects"))


@bp.context_processor
def _progress_helpers() -> dict[str, object]:
    """Progress values ('40%') are drawn as bars with the percentage in the customer's locale."""
    return {"percent_of": percent_of, "percent_text": percent_text}


@bp.route("/projects")
@module_page(MODULE)
def index():
    """The customer's (or organization's) projects, searched, sorted and paged locally (the
    customer's cached list: the ownership check of the detail pages reads the same one)."""
    scope = project_scope()
    table = lists.records(current_customer(), MODULE, only_mine=scope.only_mine)
    query = search_query()
    rows = [row for row in table.rows if matches(query, (cell.text for cell in row))]
    order = sort_order([str(index) for index in range(len(table.columns))])
    return render_template("projects/index.html", table=table, scope=scope, query=query,
                           order=order, page=paginate(sorted_rows(rows, order)))


def project_scope() -> Scope:
    """Mine/All, defaulting to the organization: CRM projects are mostly linked to the account,
    so "Mine" alone would usually look empty."""
    scope = list_scope(MODULE)
    if scope.can_see_all and "scope" not in request.args:
        return Scope(can_see_all=True, name="all")
    return scope


def sorted_rows(rows: Sequence[tuple[Cell, ...]], order: SortOrder) -> list[tuple[Cell, ...]]:
    """Rows ordered by the chosen column (the CRM's order when none is chosen)."""
    if not order.column:
        return list(rows)
    column = int(order.column)
    return sorted_by(rows, lambda row: row[column].text if column < len(row) else "",
                     order.descending)


@bp.route("/projects/<int(min=1):record_id>")
@module_page(MODULE)
def detail(record_id: int):
    """One project in the CRM's blocks, then its tasks, milestones, tickets and documents."""
    project_id = str(record_id)
    project, sections = load_project(get_crm(), get_cache(), current_customer(), project_id)
    return render_template("projects/detail.html", project=project, sections=sections,
                           name=project_name(project), new_ticket_url=new_ticket_url(project_id))


def new_ticket_url(project_id: str) -> str | None:
    """The New Ticket form preset to this project, when that page exists and tickets are on."""
    if NEW_TICKET_ENDPOINT not in current_app.view_functions:
        return None
    if TICKETS_MODULE not in get_cache().modules(get_crm()):
        return None
    return url_for(NEW_TICKET_ENDPOINT, project=project_id)
