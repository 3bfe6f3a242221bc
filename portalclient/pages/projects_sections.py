"""A project's detail page beyond its own fields: tasks, milestones, tickets, documents, progress.

Each section comes from its own CRM call, and none of those calls checks that the project is the
customer's (PROTOCOL 6.4): ``load_sections`` may only run after ``crm.record`` accepted the id.
ProjectTask, ProjectMilestone, HelpDesk and Documents are portal tabs of their own, so a tab the
CRM has switched off hides its section instead of failing the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

from flask_babel import format_percent

from portalclient.cache import get_cache
from portalclient.crm.client import CrmClient
from portalclient.crm.errors import ModuleInactive
from portalclient.crm.models import CrmSession, RecordDetail, RecordTable

log = logging.getLogger(__name__)

_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class ProjectSections:
    """The related tables of one project; None where the CRM has that tab switched off."""

    tasks: RecordTable | None
    milestones: RecordTable | None
    tickets: RecordTable | None
    documents: RecordTable | None


def load_sections(crm: CrmClient, session: CrmSession, project_id: str) -> ProjectSections:
    """Tasks, milestones, tickets and documents of a project the CRM already let us read."""
    active = get_cache().modules(crm)

    def section(module: str, load: Callable[[], RecordTable]) -> RecordTable | None:
        return _optional_section(active, module, load)

    return ProjectSections(
        tasks=section("ProjectTask",
                      lambda: crm.project_components(session, project_id, "ProjectTask")),
        milestones=section("ProjectMilestone",
                           lambda: crm.project_components(session, project_id,
                                                          "ProjectMilestone")),
        tickets=section("HelpDesk", lambda: crm.project_tickets(session, project_id)),
        documents=section("Documents", lambda: crm.documents_of(session, project_id)))


def _optional_section(active: tuple[str, ...], module: str,
                      load: Callable[[], RecordTable]) -> RecordTable | None:
    """``load()`` unless ``module`` is off (per the module list, or the CRM's answer)."""
    if module not in active:
        return None
    try:
        return load()
    except ModuleInactive:  # switched off since the module list was cached
        log.info("project section %s hidden: the CRM says the module is inactive", module)
        return None


def project_name(detail: RecordDetail) -> str:
    """The project's name: vtiger puts the name field first (its label is CRM-language data)."""
    fields = detail.fields()
    return fields[0].cell.text.strip() if fields else ""


def percent_of(text: str) -> int | None:
    """A progress value such as '40%' as a whole number 0–100; None for any other text."""
    match = _PERCENT.match(text or "")
    if match is None:
        return None
    value = round(float(match.group(1).replace(",", ".")))
    return max(0, min(100, value))


def percent_text(value: int) -> str:
    """A percentage in the customer's locale ('40%', '40 %', '٪۴۰')."""
    return format_percent(value / 100)
