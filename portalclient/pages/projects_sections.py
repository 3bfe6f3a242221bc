"""A project's detail page beyond its own fields: tasks, milestones, tickets, documents, progress.

Each section comes from its own CRM call, and none of those calls checks that the project is the
customer's (PROTOCOL 6.4): ``load_project`` asks for them together with ``crm.record`` and uses
them only when it accepted the id.
ProjectTask, ProjectMilestone, HelpDesk and Documents are portal tabs of their own, so a tab the
CRM has switched off hides its section instead of failing the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

from portalclient.cache import PortalCache
from portalclient.crm.client import CrmClient
from portalclient.crm.errors import ModuleInactive
from portalclient.crm.models import CrmSession, RecordDetail, RecordTable
from portalclient.pages.formatting import format_share

log = logging.getLogger(__name__)

PROJECT = "Project"
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class ProjectSections:
    """The related tables of one project; None where the CRM has that tab switched off."""

    tasks: RecordTable | None
    milestones: RecordTable | None
    tickets: RecordTable | None
    documents: RecordTable | None


#: The sections in ``ProjectSections`` order: (module, the CRM call loading it).
_LOADERS: tuple[tuple[str, Callable[[CrmClient, CrmSession, str], RecordTable]], ...] = (
    ("ProjectTask", lambda crm, session, project_id: crm.project_components(
        session, project_id, "ProjectTask", probe=False)),
    ("ProjectMilestone", lambda crm, session, project_id: crm.project_components(
        session, project_id, "ProjectMilestone", probe=False)),
    ("HelpDesk", lambda crm, session, project_id: crm.project_tickets(
        session, project_id, probe=False)),
    ("Documents", lambda crm, session, project_id: crm.documents_of(
        session, project_id, probe=False)),
)


def load_project(crm: CrmClient, cache: PortalCache, session: CrmSession,
                 project_id: str) -> tuple[RecordDetail, ProjectSections]:
    """The project's details and its sections, asked for together.

    get_details is the CRM's ownership check and the section calls have none (PROTOCOL 6.4):
    it goes first in ``together``, so its refusal is raised before any section is used, and
    nothing is returned until every call has answered. The sections are lists, cached for the
    customer's CRM session like their other lists (dropped when they write); the details are
    always asked for. No section probes the session on an empty answer: get_details does.
    """
    active = cache.modules(crm)
    calls = [lambda: crm.record(session, PROJECT, project_id)]
    calls += [_section_call(crm, cache, session, project_id, module, load)
              for module, load in _LOADERS]
    project, *sections = crm.together(*calls)
    shown = [table if module in active else None
             for (module, _load), table in zip(_LOADERS, sections)]
    return project, ProjectSections(*shown)


def _section_call(crm: CrmClient, cache: PortalCache, session: CrmSession, project_id: str,
                  module: str, load: Callable[[CrmClient, CrmSession, str], RecordTable]
                  ) -> Callable[[], RecordTable | None]:
    """A context-free call loading one section (None when its tab is off)."""
    if module not in cache.modules(crm):
        return lambda: None

    def section() -> RecordTable | None:
        try:
            return cache.for_customer(session, "project-section", project_id, module,
                                      compute=lambda: load(crm, session, project_id))
        except ModuleInactive:  # switched off since the module list was cached
            log.info("project section %s hidden: the CRM says the module is inactive", module)
            return None

    return section


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
    """A percentage in the customer's locale and digits ('40%', '40 %', '۴۰٪')."""
    return format_share(value / 100)
