"""Products, services, assets and service contracts: lists (Mine / All where allowed), details.

Products and services come in blocks by where the CRM found them (related to the customer, on
quotes, on invoices: PROTOCOL 4.21/4.31), each searched, sorted and paged on its own. Assets are
the organization's whatever the scope (PROTOCOL 4.22), so they have no Mine / All switch.
Service contracts live in ``catalog_contracts``.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from portalclient.crm.models import RecordDetail, RecordRef
from portalclient.crm_access import get_crm
from portalclient.home import register_module_page
from portalclient.pages import catalog_contracts as contracts
from portalclient.pages.catalog_data import customer_item_blocks, customer_records
from portalclient.pages.catalog_tables import (column_order, linked_text, list_view,
                                              require_record_id, row_of)
from portalclient.pages.common import list_scope, module_page
from portalclient.session import current_customer

bp = Blueprint("catalog", __name__)

#: Block headings by the source the CRM client labelled each block with.
BLOCK_HEADINGS = {
    "Products": {"related": _l("Related products"), "quotes": _l("Products on quotes"),
                 "invoices": _l("Products on invoices")},
    "Services": {"related": _l("Related services"), "quotes": _l("Services on quotes"),
                 "invoices": _l("Services on invoices")},
}
TITLES = {"Products": _l("Products"), "Services": _l("Services"), "Assets": _l("Assets")}
ITEM_TITLES = {"Products": _l("Product"), "Services": _l("Service"), "Assets": _l("Asset"),
               contracts.MODULE: _l("Service contract")}
EMPTY_TEXTS = {"Products": _l("There are no products for you yet."),
               "Services": _l("There are no services for you yet."),
               "Assets": _l("There are no assets for you yet."),
               contracts.MODULE: _l("There are no service contracts for you.")}
LIST_ENDPOINTS = {"Products": "catalog.products", "Services": "catalog.services",
                  "Assets": "catalog.assets", contracts.MODULE: contracts.LIST_ENDPOINT}


@bp.record_once
def _menu(state) -> None:
    for module in TITLES:  # CRM portal tabs; contracts have none (see catalog_contracts)
        register_module_page(state.app, module, LIST_ENDPOINTS[module], TITLES[module])
    register_module_page(state.app, contracts.MODULE, contracts.LIST_ENDPOINT,
                         contracts.MENU_LABEL, after=contracts.ANCHOR_MODULE,
                         shown=contracts.has_contracts)


@bp.route("/products")
@module_page("Products")
def products():
    """The customer's products, in blocks by source."""
    return _item_blocks("Products")


@bp.route("/products/<record_id>")
@module_page("Products")
def product(record_id: str):
    """One product as the CRM describes it (the CRM checks the customer may see it)."""
    return _record("Products", record_id)


@bp.route("/services")
@module_page("Services")
def services():
    """The customer's services, in blocks by source."""
    return _item_blocks("Services")


@bp.route("/services/<record_id>")
@module_page("Services")
def service(record_id: str):
    """One service as the CRM describes it (the CRM checks the customer may see it)."""
    return _record("Services", record_id)


@bp.route("/assets")
@module_page("Assets")
def assets():
    """The organization's assets (the CRM ignores the scope for them)."""
    view = list_view(customer_records("Assets", only_mine=True))
    return render_template("catalog/list.html", module="Assets", title=TITLES["Assets"],
                           view=view, empty_text=EMPTY_TEXTS["Assets"])


@bp.route("/assets/<record_id>")
@module_page("Assets")
def asset(record_id: str):
    """One asset as the CRM describes it (the CRM checks the customer may see it)."""
    return _record("Assets", record_id, title_from_list=True)


@bp.route("/service-contracts", endpoint="contracts")
@module_page(contracts.ANCHOR_MODULE)
def contracts_list():
    """The service contracts the CRM offers the customer for tickets."""
    view = list_view(contracts.contracts_table())
    return render_template("catalog/list.html", module=contracts.MODULE,
                           title=contracts.MENU_LABEL, view=view,
                           empty_text=EMPTY_TEXTS[contracts.MODULE])


@bp.route("/service-contracts/<record_id>")
@module_page(contracts.ANCHOR_MODULE, records=contracts.MODULE)
def contract(record_id: str):
    """One contract: the CRM's fields where it shows them, else its subject and a note."""
    require_record_id(record_id)
    subject = contracts.contract_subject(record_id)
    return render_template("catalog/contract.html", subject=subject,
                           detail=contracts.contract_detail(record_id),
                           title=ITEM_TITLES[contracts.MODULE])


def _item_blocks(module: str):
    """Every block of products or services, each with its heading, searched, sorted, paged."""
    scope = list_scope(module)
    tables = customer_item_blocks(module, only_mine=scope.only_mine)
    sections = []
    for index, table in enumerate(tables):
        key = table.source or str(index)
        heading = BLOCK_HEADINGS[module].get(table.source, table.source)
        view = list_view(table, page_arg=f"page_{key}", order=column_order(table.columns))
        sections.append((heading, key, view))
    return render_template("catalog/items.html", module=module, title=TITLES[module],
                           sections=sections, scope=scope, empty_text=EMPTY_TEXTS[module],
                           query=sections[0][2].query if sections else "")


def _record(module: str, record_id: str, *, title_from_list: bool = False):
    """A record's CRM blocks under its name (the list's link text where the detail's first
    field is not the name, as for assets)."""
    require_record_id(record_id)
    detail = get_crm().record(current_customer(), module, record_id)
    title = ""
    if title_from_list:
        listing = customer_records(module, only_mine=True)
        title = linked_text(row_of(listing, module, record_id), module, record_id)
    return render_template("catalog/detail.html", module=module, detail=detail,
                           title=title or detail_title(detail),
                           item_title=ITEM_TITLES[module], list_endpoint=LIST_ENDPOINTS[module],
                           list_title=TITLES[module])


def detail_title(detail: RecordDetail) -> str:
    """A record's name: the field linking to the record itself, else the first value."""
    wanted = RecordRef(detail.module, detail.record_id)
    fields = detail.fields()
    linked = next((f.cell.text for f in fields if f.cell.ref == wanted), "")
    return linked or next((f.cell.text for f in fields if f.cell.text.strip()), "")
