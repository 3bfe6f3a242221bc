"""The New Ticket form: its choices (all from the CRM), the checks on what was sent, and how a
retry finds the ticket an earlier, failed-looking send created.

get_combo_values stores priority, severity and category as given and relates any service
contract or project id without checking it (PROTOCOL 4.3, 4.6), so the portal accepts only
values it offered to this customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from flask_babel import lazy_gettext as _l

from portalclient.cache import get_cache
from portalclient.crm.models import CrmSession, NewTicket, RecordDetail, RecordTable
from portalclient.crm_access import get_crm
from portalclient.drafts import same_text
from portalclient.pages import customer_lists

HELPDESK = "HelpDesk"
PROJECT = "Project"
#: Tickets with the typed title a retry opens at most to compare descriptions.
MAX_CANDIDATES = 3
TITLE_MAX = 255
DESCRIPTION_MAX = 20000
CHOICE_FIELDS = ("priority", "severity", "category", "product", "contract", "project")

FIELD_LABELS = {"priority": _l("Priority"), "severity": _l("Severity"),
                "category": _l("Category"), "product": _l("Product"),
                "contract": _l("Service contract"), "project": _l("Project")}
TITLE_MISSING = _l("Please enter a title.")
TITLE_TOO_LONG = _l("The title can have at most %(max)d characters.")
DESCRIPTION_TOO_LONG = _l("The description can have at most %(max)d characters.")
NOT_OFFERED = _l("Please choose “%(field)s” again: the value sent is not one of the choices.")


@dataclass(frozen=True)
class TicketChoices:
    """What the form may offer: picklist values, and (id, name) pairs for the references."""

    priority: tuple[str, ...]
    severity: tuple[str, ...]
    category: tuple[str, ...]
    product: tuple[tuple[str, str], ...]
    contract: tuple[tuple[str, str], ...]
    project: tuple[tuple[str, str], ...]

    def allowed(self, field: str) -> set[str]:
        """The values the form accepts for ``field`` (ids for references)."""
        return {item if isinstance(item, str) else item[0] for item in getattr(self, field)}


def load_choices(session: CrmSession) -> TicketChoices:
    """The form's choices for this customer, from the customer's cached lists."""
    options = customer_lists.ticket_form_options(session)
    projects: tuple[tuple[str, str], ...] = ()
    if PROJECT in get_cache().modules(get_crm()):
        projects = project_choices(customer_lists.records(session, PROJECT, only_mine=False))
    return TicketChoices(options.priorities, options.severities, options.categories,
                         options.products, options.service_contracts, projects)


def project_choices(table: RecordTable) -> tuple[tuple[str, str], ...]:
    """(id, name) of each project row, from the row's link to its project."""
    choices = []
    for row in table.rows:
        cell = next((c for c in row if c.ref and c.ref.module == PROJECT), None)
        if cell is not None:
            choices.append((cell.ref.record_id, cell.text))
    return tuple(choices)


def read_form(form: Mapping[str, str]) -> dict[str, str]:
    """The typed values, title and choices trimmed (the description is kept as typed)."""
    values = {name: form.get(name, "").strip() for name in ("title", *CHOICE_FIELDS)}
    values["description"] = form.get("description", "")
    return values


def form_error(values: Mapping[str, str], choices: TicketChoices) -> str | None:
    """The first problem with the typed values, as a message for the customer."""
    if not values["title"]:
        return str(TITLE_MISSING)
    if len(values["title"]) > TITLE_MAX:
        return str(TITLE_TOO_LONG) % {"max": TITLE_MAX}
    if len(values["description"]) > DESCRIPTION_MAX:
        return str(DESCRIPTION_TOO_LONG) % {"max": DESCRIPTION_MAX}
    for field in CHOICE_FIELDS:
        if values[field] and values[field] not in choices.allowed(field):
            return str(NOT_OFFERED) % {"field": FIELD_LABELS[field]}
    return None


def new_ticket(values: Mapping[str, str]) -> NewTicket:
    """What create_ticket needs, from checked values."""
    return NewTicket(title=values["title"], description=values["description"].strip(),
                     priority=values["priority"], severity=values["severity"],
                     category=values["category"], product_id=values["product"],
                     service_id=values["contract"], project_id=values["project"])


def newest_ticket_id(session: CrmSession) -> int:
    """The highest id among the customer's tickets: a new-ticket form's baseline (cached until
    the customer changes something; a stale, lower value only widens the later search)."""

    def compute() -> int:
        rows = get_crm().tickets(session, only_mine=True).rows
        return max((int(row.ticket_id) for row in rows if row.ticket_id.isdigit()), default=0)

    return get_cache().for_customer(session, "newest-ticket-id", compute=compute)


def find_sent_ticket(session: CrmSession, values: Mapping[str, str], baseline: int) -> str | None:
    """The customer's ticket newer than ``baseline`` with the typed title and description."""
    crm = get_crm()
    candidates = sorted((int(row.ticket_id) for row in crm.tickets(session, only_mine=True).rows
                         if row.ticket_id.isdigit() and int(row.ticket_id) > baseline
                         and same_text(row.title, values["title"])), reverse=True)
    for ticket_id in candidates[:MAX_CANDIDATES]:
        if has_text(crm.record(session, HELPDESK, str(ticket_id)), values["description"]):
            return str(ticket_id)
    return None


def has_text(detail: RecordDetail, text: str) -> bool:
    """Whether some field of ``detail`` holds ``text`` (field labels are CRM-language data)."""
    return not text.strip() or any(same_text(field.cell.text, text) for field in detail.fields())
