"""Where a CRM record is shown in the portal: one table from CRM module to detail endpoint.

Cells and fields carry ``RecordRef``s parsed from the CRM's anchors; templates turn them into
portal links with ``record_url``. A link is only made when the page exists and the CRM has the
module enabled, so a customer never follows a link to a 404.
"""

from __future__ import annotations

import logging

from flask import current_app, url_for

from portalclient.cache import get_cache
from portalclient.crm.errors import CrmError
from portalclient.crm.models import RecordRef
from portalclient.crm_access import get_crm

log = logging.getLogger(__name__)

#: CRM module -> endpoint of its detail page (each takes ``record_id``).
DETAIL_ENDPOINTS = {
    "HelpDesk": "tickets.detail",
    "Faq": "faq.detail",
    "Invoice": "sales.invoice",
    "Quotes": "sales.quote",
    "Products": "catalog.product",
    "Services": "catalog.service",
    "Assets": "catalog.asset",
    "ServiceContracts": "catalog.contract",
    "Documents": "documents.detail",
    "Project": "projects.detail",
    "Contacts": "company.contact",
    "Accounts": "company.account",
}

#: Modules whose pages exist even though the CRM does not list them as portal tabs.
ALWAYS_LINKED = frozenset({"ServiceContracts"})


def record_url(ref: RecordRef | None) -> str | None:
    """The portal URL of the record ``ref`` points at, or None when there is no such page."""
    if ref is None:
        return None
    endpoint = DETAIL_ENDPOINTS.get(ref.module)
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    if ref.module not in ALWAYS_LINKED and ref.module not in enabled_modules():
        return None
    return url_for(endpoint, record_id=ref.record_id)


def enabled_modules() -> tuple[str, ...]:
    """The CRM's portal modules (cached); empty when the CRM cannot be asked right now."""
    try:
        return get_cache().modules(get_crm())
    except CrmError as exc:
        log.warning("module list unavailable: %s", exc)
        return ()


def init_links(app) -> None:
    """Make ``record_url`` available to every template."""
    app.jinja_env.globals["record_url"] = record_url
