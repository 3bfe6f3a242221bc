"""Products, services, assets and service contracts: lists, Mine / All, details, the menu."""

from __future__ import annotations

import requests

from tests.integration.conftest import (empty_text, headers, log_in_as, page, record_id,
                                        table_rows)

# The stub's seed data (crm_stub/seed/a_core.py, b_records.py) as the portal shows it.
WIDGET = ["Widget Pro", "WP-100", "2.5", "1.00", "€\u00a01,200.00", "Alice Anderson"]
SENSOR = ["Sensor Kit", "SK-300", "2.5", "1.00", "€\u00a0349.50", "Alice Anderson"]
SENSOR_ACME = SENSOR[:-1] + ["Acme Corporation"]
SUPPORT = ["SER1", "Premium Support", "5", "1.00", "€\u00a0250.00", "Alice Anderson"]
INSTALL = ["SER2", "Installation Service", "5", "1.00", "€\u00a099.00", "Alice Anderson"]
ASSETS = [["ASSET1", "Widget Pro #SN-0001", "Acme Corporation", "Widget Pro", "Acme Corporation"],
          ["ASSET2", "Sensor Kit #SK-0420", "Acme Corporation", "Sensor Kit", "Acme Corporation"]]
PRODUCT_HEADINGS = ["Related products", "Products on quotes", "Products on invoices"]
CONTRACT = "Acme Support Contract 2026"








def block_headings(response: requests.Response) -> list[str]:
    return [h2.text.strip() for h2 in page(response).xpath("//section[@class='item-block']/h2")]


def menu(response: requests.Response) -> list[str]:
    return page(response).xpath("//nav[@class='module-menu']//a/text()")


def fields(response: requests.Response) -> dict[str, str]:
    html = page(response)
    return {dt.text_content().strip(): dd.text_content().strip()
            for dt, dd in zip(html.xpath("//dl[@class='fields']//dt"),
                              html.xpath("//dl[@class='fields']//dd"))}


def test_products_come_in_blocks_by_source(alice_r):
    response = alice_r.get("/products")
    assert block_headings(response) == PRODUCT_HEADINGS
    assert headers(response, "products-related") == [
        "Product Name", "Part Number", "Commission Rate", "Qty/Unit", "Unit Price", "Related To"]
    assert table_rows(response, "products-related") == [WIDGET]
    assert table_rows(response, "products-quotes") == [WIDGET]
    assert table_rows(response, "products-invoices") == [WIDGET, SENSOR]
    assert page(response).xpath("//table[@id='products-related']/tbody//a/@href")[0] == \
        "/products/7"


def test_all_of_the_organization_adds_the_companys_products(alice_r):
    response = alice_r.get("/products", params={"scope": "all"})
    assert table_rows(response, "products-related") == [WIDGET, SENSOR_ACME]
    assert page(response).xpath("//nav[@class='scope-switch']/a[@aria-current]/text()") == [
        "All of my organization"]


def test_services_blocks(alice_r):
    response = alice_r.get("/services")
    assert block_headings(response) == [
        "Related services", "Services on quotes", "Services on invoices"]
    assert table_rows(response, "services-related") == [SUPPORT]
    assert table_rows(response, "services-quotes") == [INSTALL]
    assert table_rows(response, "services-invoices") == [SUPPORT]


def test_search_and_sort_apply_to_every_block(alice_r):
    response = alice_r.get("/products", params={"q": "sensor"})
    assert [table_rows(response, f"products-{s}") for s in ("related", "quotes", "invoices")] \
        == [[], [], [SENSOR]]
    assert page(response).xpath("normalize-space(//section[@id='block-related']/p)") == \
        "Nothing matches your search."
    by_price = alice_r.get("/products", params={"sort": "4"})
    assert table_rows(by_price, "products-invoices") == [SENSOR, WIDGET]


def test_colleague_without_own_products_sees_the_empty_state(bob_r):
    bob = bob_r
    response = bob.get("/products")
    assert block_headings(response) == []
    assert empty_text(response) == "There are no products for you yet."
    assert table_rows(bob.get("/products", params={"scope": "all"}), "products-related") == [
        WIDGET, SENSOR_ACME]


def test_each_block_pages_on_its_own(alice, stub_crm):
    store = stub_crm.store
    for number in range(12):
        product = store.new_entity("Products", 1)
        store.insert("products", id=product, product_no=f"PRO{100 + number}",
                     name=f"Spare part {number:02d}", part_no=f"SP-{number:02d}")
        store.insert("product_relations", product_id=product, crmid=alice.contact_id)
    first = alice.get("/products", params={"per_page": 10, "sort": "0"})
    related = table_rows(first, "products-related")
    assert [row[0] for row in related] == [f"Spare part {n:02d}" for n in range(10)]
    assert table_rows(first, "products-invoices") == [SENSOR, WIDGET]  # sorted by name too
    pager = page(first).xpath("//section[@id='block-related']//nav[@class='pager']")[0]
    assert pager.get("aria-label") == "Related products"
    second = alice.get(pager.xpath("a[@rel='next']/@href")[0])
    assert "page_related=2" in second.url
    assert [row[0] for row in table_rows(second, "products-related")] == [
        "Spare part 10", "Spare part 11", "Widget Pro"]
    assert table_rows(second, "products-invoices") == [SENSOR, WIDGET]


def test_headings_follow_the_crms_blocks_when_the_quotes_tab_is_off(stub_crm, portal_url,
                                                                  browser):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Quotes'")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    response = alice.get("/products")
    assert block_headings(response) == ["Related products", "Products on invoices"]
    assert table_rows(response, "products-invoices") == [WIDGET, SENSOR]


def test_product_service_and_asset_details(alice_r, store):
    product = alice_r.get("/products/7")
    assert page(product).xpath("normalize-space(//h1)") == "Product: Widget Pro"
    assert (fields(product)["Part Number"], fields(product)["Unit Price"]) == (
        "WP-100", "€\u00a01,200.00")
    service = alice_r.get("/services/10")
    assert page(service).xpath("normalize-space(//h1)") == "Service: Premium Support"
    assert fields(service)["Usage Unit"] == "Hours"
    asset = alice_r.get(f"/assets/{record_id(store, 'assets', 'asset_no', 'ASSET1')}")
    assert page(asset).xpath("normalize-space(//h1)") == "Asset: Widget Pro #SN-0001"
    assert (fields(asset)["Serial Number"], fields(asset)["Customer Name"]) == (
        "SN-0001", "Acme Corporation")


def test_assets_list_is_the_organizations(alice_r, store):
    response = alice_r.get("/assets")
    assert headers(response, "assets") == [
        "Asset No", "Asset Name", "Customer Name", "Product Name", "Related To"]
    assert table_rows(response, "assets") == ASSETS
    assert page(response).xpath("//nav[@class='scope-switch']") == []
    asset = record_id(store, "assets", "asset_no", "ASSET2")
    assert f"/assets/{asset}" in page(response).xpath("//table[@id='assets']//a/@href")


def test_other_companys_records_are_refused(alice_r, store):
    globex_asset = record_id(store, "assets", "asset_no", "ASSET3")
    for path in ("/products/8", f"/assets/{globex_asset}"):
        response = alice_r.get(path)
        assert response.status_code == 403, path
        assert "Gadget Basic" not in response.text and "SK-0042" not in response.text
    for path in ("/products/x7", "/services/%EF%BC%91", "/assets/-1", "/service-contracts/1a"):
        assert alice_r.get(path).status_code == 404, path


def test_service_contracts_follow_tickets_in_the_menu(alice_r):
    labels = menu(alice_r.get("/products"))
    assert labels[labels.index("Tickets") + 1] == "Service contracts"
    crm_order = [label for label in labels if label in (
        "Invoices", "Quotes", "Products", "Services", "Assets")]
    assert crm_order == ["Invoices", "Quotes", "Products", "Services", "Assets"]


def test_service_contract_list_and_detail(alice_r, store):
    contract = record_id(store, "service_contracts", "contract_no", "SERCON1")
    listing = alice_r.get("/service-contracts")
    assert table_rows(listing, "servicecontracts") == [[CONTRACT]]
    assert page(listing).xpath("//table[@id='servicecontracts']/tbody//a/@href") == [
        f"/service-contracts/{contract}"]
    detail = alice_r.get(f"/service-contracts/{contract}")
    assert page(detail).xpath("normalize-space(//h1)") == f"Service contract: {CONTRACT}"
    assert (fields(detail)["Contract No"], fields(detail)["Used Units"],
            fields(detail)["Related to"]) == ("SERCON1", "12.50", "Acme Corporation")


def test_service_contract_a_real_crm_refuses_shows_its_subject(stub_crm, portal_url, browser):
    stub_crm.store.execute("INSERT INTO portal_prefs(key, value)"
                           " VALUES ('service_contract_details', 'refuse')")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    contract = record_id(stub_crm.store, "service_contracts", "contract_no", "SERCON1")
    response = alice.get(f"/service-contracts/{contract}")
    assert response.status_code == 200
    assert page(response).xpath("normalize-space(//h1)") == f"Service contract: {CONTRACT}"
    assert page(response).xpath("normalize-space(//p[@id='no-contract-details'])") == (
        "The support system shows no further details of this contract.")
    assert fields(response) == {}


def test_other_companys_customer_has_no_contracts(dave_r, store):
    dave = dave_r
    listing = dave.get("/service-contracts")
    assert "Service contracts" not in menu(listing)
    assert table_rows(listing, "servicecontracts") == []
    assert empty_text(listing) == "There are no service contracts for you."
    contract = record_id(store, "service_contracts", "contract_no", "SERCON1")
    response = dave.get(f"/service-contracts/{contract}")
    assert response.status_code == 404
    assert CONTRACT not in response.text


def test_disabled_modules_are_not_found(stub_crm, portal_url, browser):
    for module in ("Products", "Assets", "HelpDesk"):
        stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = ?", (module,))
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    contract = record_id(stub_crm.store, "service_contracts", "contract_no", "SERCON1")
    for path in ("/products", "/products/7", "/assets", "/service-contracts",
                 f"/service-contracts/{contract}"):
        assert alice.get(path).status_code == 404, path
    labels = menu(alice.get("/services"))
    assert "Services" in labels
    assert not {"Products", "Assets", "Service contracts"} & set(labels)


def test_german_pages_render(alice_r):
    alice_r.browser.headers["Accept-Language"] = "de"
    for path in ("/products", "/services/10", "/assets", "/service-contracts"):
        response = alice_r.get(path)
        assert response.status_code == 200, path
        assert page(response).xpath("/html/@lang") == ["de"]
    assert table_rows(alice_r.get("/products"), "products-related")[0][4] == "€\u00a01.200,00"
