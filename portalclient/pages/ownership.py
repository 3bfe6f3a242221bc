"""Which record ids a customer may open: the portal's own check, before any CRM call.

A real CRM checks the session but not the record's owner on several operations (comments,
close, attachments, downloads, project components, document lists: PROTOCOL 6.4), so the portal
never relies on it: a record id in a URL must be one the customer's own lists name. Those lists
are the cached ones of ``customer_lists``, so a check costs no extra CRM call on a warm page.

Each module's visible set follows the CRM's visibility model (PROTOCOL 4.0): the ids its
organization-wide list names (their own, or their organization's where show_all allows), the
customer's own contact and organization, every published FAQ, the service contracts
get_combo_values offers. Ids reached only through another visible record (a project's tickets
and documents, a FAQ's documents) are looked up when the lists do not name the id.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Sequence

from flask import abort

from portalclient.cache import get_cache, renew_for_missing_record
from portalclient.crm.models import Cell, CrmSession, RecordTable
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists as lists

log = logging.getLogger(__name__)

FAQ = "Faq"
DOCUMENTS = "Documents"
PROJECT = "Project"
SERVICE_CONTRACTS = "ServiceContracts"
#: Modules without a CRM record check: a record not in the portal's lists is simply not found.
LISTED_ONLY = frozenset({FAQ, SERVICE_CONTRACTS})

Row = Sequence[Cell]


def linked_ids(rows: Iterable[Row], module: str) -> set[str]:
    """Ids of the ``module`` records the cells of ``rows`` link to."""
    return {cell.ref.record_id for row in rows for cell in row
            if cell.ref is not None and cell.ref.module == module}


def _listed(module: str) -> Callable[[CrmSession], set[str]]:
    """The ids a module's organization-wide get_list_values answer links to."""
    return lambda session: linked_ids(lists.records(session, module, only_mine=False).rows,
                                      module)


def _items(module: str) -> Callable[[CrmSession], set[str]]:
    """Products or services of every block (related, on quotes, on invoices)."""
    def ids(session: CrmSession) -> set[str]:
        blocks = lists.item_blocks(session, module, only_mine=False)
        return linked_ids((row for block in blocks for row in block.rows), module)
    return ids


def _tickets(session: CrmSession) -> set[str]:
    return {row.ticket_id for row in lists.tickets(session, only_mine=False).rows}


def _faqs(session: CrmSession) -> set[str]:
    return {faq.id for faq in get_cache().knowledge_base(get_crm(), session).faqs}


def _contacts(session: CrmSession) -> set[str]:
    return _listed(lists.CONTACTS)(session) | {session.contact_id}


def _accounts(session: CrmSession) -> set[str]:
    account = lists.account_id(session)
    return {account} if account else set()


def _contracts(session: CrmSession) -> set[str]:
    return {contract_id for contract_id, _subject in lists.contracts(session)}


#: Module -> the ids its lists name for the customer (any other module: none).
PRIMARY: dict[str, Callable[[CrmSession], set[str]]] = {
    lists.HELPDESK: _tickets, FAQ: _faqs, lists.CONTACTS: _contacts, lists.ACCOUNTS: _accounts,
    SERVICE_CONTRACTS: _contracts, "Products": _items("Products"),
    "Services": _items("Services"), **{module: _listed(module) for module in
                                       ("Invoice", "Quotes", DOCUMENTS, PROJECT, "Assets")},
}


def visible_ids(session: CrmSession, module: str) -> frozenset[str]:
    """The ids of ``module`` the customer's own lists name (cached lists, no extra call)."""
    primary = PRIMARY.get(module)
    return frozenset(primary(session)) if primary is not None else frozenset()


def _enabled(module: str) -> bool:
    return module in get_cache().modules(get_crm())


def _project_linked(session: CrmSession, module: str) -> set[str]:
    """Tickets or documents of the customer's projects (the CRM's project rule)."""
    if not _enabled(PROJECT):
        return set()
    fetch = lists.project_tickets if module == lists.HELPDESK else lists.documents_of
    return {record_id for project_id in sorted(visible_ids(session, PROJECT))
            for record_id in linked_ids(fetch(session, project_id).rows, module)}


def faq_document_ids(session: CrmSession) -> frozenset[str]:
    """Documents attached to published FAQs: every portal user may read them (cached for all)."""
    def compute() -> frozenset[str]:
        tables: list[RecordTable] = [lists.faq_documents(session, faq_id)
                                     for faq_id in sorted(_faqs(session))]
        return frozenset(linked_ids((row for t in tables for row in t.rows), DOCUMENTS))
    return get_cache().metadata("faq-documents", compute=compute)


def _reachable(session: CrmSession, module: str, record_id: str) -> bool:
    """Whether ``record_id`` is reachable through another visible record."""
    if module == lists.HELPDESK:
        return record_id in _project_linked(session, module)
    if module == DOCUMENTS:
        if _enabled(FAQ) and record_id in faq_document_ids(session):
            return True
        return record_id in _project_linked(session, module)
    return False


def is_record_id(record_id: str) -> bool:
    """Whether ``record_id`` has a CRM id's form: ASCII digits only."""
    return record_id.isascii() and record_id.isdigit()


def is_visible(session: CrmSession, module: str, record_id: str) -> bool:
    """Whether the customer may open record ``record_id`` of ``module``."""
    if not is_record_id(record_id):
        return False
    return record_id in visible_ids(session, module) or _reachable(session, module, record_id)


def require_visible(session: CrmSession, module: str, record_id: str) -> None:
    """Refuse a record the customer may not open with the answer a missing one gets, so ids
    cannot be probed (the cached lists are read afresh once first, at most every few seconds): 404 for a malformed id and for modules the portal knows only from its
    lists (FAQs, contracts), else 403, which is what the CRM answers for both (PROTOCOL 4.20)."""
    if not is_record_id(record_id):
        abort(404)
    if is_visible(session, module, record_id):
        return
    if renew_for_missing_record() and is_visible(session, module, record_id):
        return  # new in the CRM since the lists were cached
    log.info("contact %s refused %s record %s", session.contact_id, module, record_id)
    abort(404 if module in LISTED_ONLY else 403)
