"""The Mine lists cut locally from the organization-wide answer are the lists the CRM itself
sends for ``onlymine`` (PROTOCOL 4.0), for every module and demo customer, show_all on or off."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask

import crm_stub
from portalclient import create_app
from portalclient.crm_access import get_crm
from portalclient.pages import customer_lists
from tests.integration.conftest import portal_overrides
from tests.servers import serve_wsgi

CUSTOMERS = ("alice@acme.example", "bob@acme.example", "dave@globex.example",
             "erin@globex.example")
MODULES = ("Invoice", "Quotes", "Documents", "Project", "Contacts", "Assets")


@pytest.fixture(scope="module", params=["show-all", "own-only"])
def app(request, tmp_path_factory) -> Iterator[tuple[Flask, dict[str, str]]]:
    tmp_path: Path = tmp_path_factory.mktemp(request.param)
    crm_app = crm_stub.create_app(tmp_path / "crm")
    store = crm_app.extensions["crm_stub"].store
    if request.param == "own-only":
        store.execute("UPDATE portal_modules SET show_related = 0")
    with serve_wsgi(crm_app) as crm_url:
        yield create_app(overrides=portal_overrides(crm_url, tmp_path)), dict(
            store.demo_logins())


@pytest.mark.parametrize("email", CUSTOMERS)
def test_local_mine_lists_equal_the_crms(app, email):
    portal, passwords = app
    with portal.test_request_context():
        crm = get_crm()
        session = crm.authenticate(email, passwords[email]).session
        local = customer_lists.tickets(session, only_mine=True)
        assert local.columns == crm.tickets(session, only_mine=True).columns
        assert local.rows == crm.tickets(session, only_mine=True).rows
        for module in MODULES:
            local_rows = customer_lists.records(session, module, only_mine=True).rows
            assert local_rows == crm.records(session, module, only_mine=True).rows, module
        for module in ("Products", "Services"):
            assert customer_lists.item_blocks(session, module, only_mine=True) == \
                (crm.product_tables if module == "Products" else crm.service_tables)(
                    session, only_mine=True), module


def test_without_a_contact_column_mine_is_asked_of_the_crm(app):
    portal, passwords = app
    with portal.test_request_context():
        crm = get_crm()
        session = crm.authenticate("alice@acme.example", passwords["alice@acme.example"]).session
        assert customer_lists.contact_column([]) is None
        tickets = customer_lists.tickets(session, only_mine=False)
        without = [row.cells[:3] + row.cells[4:] for row in tickets.rows]  # no "Contact Name"
        assert customer_lists.contact_column(without) is None
        assert customer_lists.contact_column([row.cells for row in tickets.rows]) == 3
