"""The customer's CRM lists, cached per CRM session: one copy serves the list pages, the
navigation and the ownership checks (``pages.ownership``), so a page and its check never both
ask the CRM.

Each list is kept for ``[cache] customer_ttl_seconds`` under the contact id and the CRM session
(``PortalCache.for_customer``), and dropped when the customer writes (``forget_customer``).
"Mine" is cut locally out of the organization-wide list where the CRM's answer says whose a row
is (PROTOCOL 4.0: with ``onlymine`` the entity set is just the contact): when show_all is off
both answers are the same list, and otherwise a row is the customer's when its contact column
links to them. Lists without such a column are fetched (and cached) once per scope.
"""

from __future__ import annotations

from typing import Sequence

from portalclient.cache import get_cache
from portalclient.crm.models import Cell, CrmSession, RecordTable, TicketList
from portalclient.crm_access import get_crm

HELPDESK = "HelpDesk"
CONTACTS = "Contacts"
ACCOUNTS = "Accounts"
PARTIES = (CONTACTS, ACCOUNTS)
#: get_list_values modules whose "all" list names each row's contact, so Mine is cut locally.
LOCAL_MINE_MODULES = frozenset({"Invoice", "Quotes", "Documents", "Project", CONTACTS})
#: Modules whose list the CRM answers the same whatever the scope (PROTOCOL 4.22).
SCOPELESS_MODULES = frozenset({"Assets"})

Row = Sequence[Cell]


def _cached(session: CrmSession, *key, compute, renew: bool = False):
    """The list under ``key`` for this CRM session; ``renew`` asks the CRM again."""
    cache = get_cache()
    keep = cache.renew_for_customer if renew else cache.for_customer
    return keep(session, "lists", *key, compute=compute)


def _shows_all(module: str) -> bool:
    """The CRM's show_all for ``module`` (cached globally)."""
    return get_cache().show_all(get_crm(), module)


def contact_column(rows: Sequence[Row]) -> int | None:
    """The first column naming each row's contact: its non-empty cells all link to a contact
    or organization, and at least one to a contact (None when no column does)."""
    width = max((len(row) for row in rows), default=0)
    for index in range(width):
        cells = [row[index] for row in rows if index < len(row) and row[index].text.strip()]
        refs = [cell.ref for cell in cells]
        if refs and all(ref is not None and ref.module in PARTIES for ref in refs) \
                and any(ref.module == CONTACTS for ref in refs):
            return index
    return None


def rows_of_contact(rows: Sequence[Row], column: int, contact_id: str) -> list[int]:
    """Indexes of the rows whose ``column`` links to the contact ``contact_id``."""
    return [i for i, row in enumerate(rows)
            if column < len(row) and row[column].ref is not None
            and row[column].ref.module == CONTACTS and row[column].ref.record_id == contact_id]


def tickets(session: CrmSession, *, only_mine: bool, renew: bool = False) -> TicketList:
    """get_tickets_list in the customer's scope: Mine cut locally where possible; ``renew``
    asks the CRM again (the landing page does: it also tells a dead CRM session at once)."""
    crm = get_crm()
    widest = _cached(session, HELPDESK, "all", renew=renew,
                     compute=lambda: crm.tickets(session, only_mine=False))
    if not only_mine or not _shows_all(HELPDESK) or not widest.rows:
        return widest
    cells = [row.cells for row in widest.rows]
    column = contact_column(cells)
    if column is None:
        return _cached(session, HELPDESK, "mine", renew=renew,
                       compute=lambda: crm.tickets(session, only_mine=True))
    mine = rows_of_contact(cells, column, session.contact_id)
    return TicketList(widest.columns, tuple(widest.rows[i] for i in mine))


def records(session: CrmSession, module: str, *, only_mine: bool) -> RecordTable:
    """get_list_values of ``module`` in the customer's scope: Mine cut locally where possible."""
    crm = get_crm()
    widest = _cached(session, module, "all",
                     compute=lambda: crm.records(session, module, only_mine=False))
    if not only_mine or module in SCOPELESS_MODULES or not _shows_all(module) \
            or not widest.rows:
        return widest
    column = contact_column(widest.rows) if module in LOCAL_MINE_MODULES else None
    if column is None:
        return _cached(session, module, "mine",
                       compute=lambda: crm.records(session, module, only_mine=True))
    mine = rows_of_contact(widest.rows, column, session.contact_id)
    return RecordTable(widest.module, widest.columns, tuple(widest.rows[i] for i in mine),
                       widest.source)


def item_blocks(session: CrmSession, module: str, *,
                only_mine: bool) -> tuple[RecordTable, ...]:
    """The product or service blocks (related / on quotes / on invoices) in the scope asked.

    Their "Related To" column names the party a block row came through, not whose the row is,
    so Mine is never cut locally; with show_all off both scopes share one answer.
    """
    crm = get_crm()
    fetch = crm.product_tables if module == "Products" else crm.service_tables
    scope = "mine" if only_mine and _shows_all(module) else "all"
    return _cached(session, module, scope,
                   compute=lambda: fetch(session, only_mine=scope == "mine"))


def contracts(session: CrmSession) -> tuple[tuple[str, str], ...]:
    """(id, subject) of the service contracts the CRM offers the customer (get_combo_values)."""
    return ticket_form_options(session).service_contracts


def ticket_form_options(session: CrmSession):
    """get_combo_values for the customer (its contracts depend on who asks)."""
    return _cached(session, "combo",
                   compute=lambda: get_crm().ticket_form_options(session))


def account_id(session: CrmSession) -> str | None:
    """The customer's organization id (None without one)."""
    return _cached(session, ACCOUNTS, "id",
                   compute=lambda: get_crm().account_id(session.contact_id))


def project_tickets(session: CrmSession, project_id: str) -> RecordTable:
    """get_project_tickets of a project (the caller has checked the project is visible)."""
    return _cached(session, "project-tickets", project_id,
                   compute=lambda: get_crm().project_tickets(session, project_id))


def documents_of(session: CrmSession, record_id: str) -> RecordTable:
    """get_documents of a record (the caller has checked the record is visible)."""
    return _cached(session, "documents-of", record_id,
                   compute=lambda: get_crm().documents_of(session, record_id))


def faq_documents(session: CrmSession, faq_id: str) -> RecordTable:
    """The documents of a published FAQ: the CRM lists a record's documents whoever asks
    (PROTOCOL 4.29), so one answer serves every customer."""
    return get_cache().metadata("faq-documents-of", faq_id,
                                compute=lambda: get_crm().documents_of(session, faq_id))
