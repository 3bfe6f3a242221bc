"""Service contracts: which the customer may see, their detail, and their place in the menu.

No CRM has a ServiceContracts portal tab or list operation; the contracts a customer may see are
the ones get_combo_values offers for new tickets (PROTOCOL 4.6), so the pages exist only next to
HelpDesk. The menu is built from get_modules, which never names ServiceContracts: the entry is
put right after the HelpDesk entry (the CRM's order of everything else is untouched), and only
when the CRM offered at least one contract.
"""

from __future__ import annotations

import logging

from flask import abort
from flask_babel import lazy_gettext as _l

from portalclient.crm.errors import CrmError, CrmHttpError, MalformedResponse, NotAuthorized
from portalclient.crm.models import Cell, RecordDetail, RecordRef, RecordTable
from portalclient.crm_access import get_crm
from portalclient.pages.catalog_data import customer_contracts
from portalclient.session import current_customer

log = logging.getLogger(__name__)

MODULE = "ServiceContracts"
#: The module whose menu entry the contracts entry follows, and which must be enabled.
ANCHOR_MODULE = "HelpDesk"
LIST_ENDPOINT = "catalog.contracts"
MENU_LABEL = _l("Service contracts")
SUBJECT = _l("Subject")


def contracts_table() -> RecordTable:
    """The customer's contracts as a one-column table linking to their pages."""
    rows = tuple((Cell(subject, RecordRef(MODULE, contract_id)),)
                 for contract_id, subject in customer_contracts())
    return RecordTable(MODULE, (str(SUBJECT),), rows)


def contract_subject(record_id: str) -> str:
    """The subject of one of the customer's contracts; 404 for any other id."""
    subject = dict(customer_contracts()).get(record_id)
    if subject is None:
        abort(404)
    return subject


def contract_detail(record_id: str) -> RecordDetail | None:
    """The CRM's fields of a contract, or None where the CRM shows none (every real CRM)."""
    try:
        return get_crm().record(current_customer(), MODULE, record_id)
    except (NotAuthorized, CrmHttpError, MalformedResponse) as exc:
        log.info("no details for service contract %s: %s", record_id, type(exc).__name__)
        return None


def has_contracts() -> bool:
    """Whether the CRM offers the customer any contract; False when it cannot be asked."""
    try:
        return bool(customer_contracts())
    except CrmError as exc:
        log.warning("service contracts unavailable for the menu: %s", exc)
        return False
