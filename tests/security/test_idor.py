"""IDOR: every portal route that takes a record id, tried with other customers' ids.

The stub runs in lax mode (``authorization = lax``): like a real berliCRM at its worst, it
answers for any record id (PROTOCOL 6.4), so only the portal's own ownership check stands
between a customer and another's records. The expected answer for each (customer, module, id)
comes from the stub's strict rules, evaluated before the switch: the portal in front of a lax
CRM must refuse exactly what a strict CRM refuses. Two set-ups: the demo's (show_all on: Acme's
contacts see Acme's records) and one with show_all off everywhere (each sees only their own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import requests
from flask import Flask, url_for

import crm_stub
from crm_stub.admin_actions import set_authorization
from crm_stub.operations import visibility as vis
from crm_stub.operations.details import may_see_contract
from portalclient import create_app
from tests.integration.conftest import (Customer, StubCrm, csrf_token_of, log_in_as,
                                        portal_overrides)
from tests.servers import serve_wsgi

MISSING_ID = 999999
ATTACKERS = ("alice@acme.example", "dave@globex.example")


@dataclass(frozen=True)
class Case:
    """How to try one route: the module of its record_id, the method, and whether an allowed
    id must show a 200 page (other routes are only tried with refused ids)."""

    module: str
    method: str = "GET"
    page: bool = False
    extra: tuple[tuple[str, int], ...] = ()


CASES = {
    "tickets.detail": Case("HelpDesk", page=True),
    "tickets.attachment": Case("HelpDesk", extra=(("file_id", 37),)),
    "tickets.comment": Case("HelpDesk", "POST"),
    "tickets.upload": Case("HelpDesk", "POST"),
    "tickets.close": Case("HelpDesk", "POST"),
    "faq.detail": Case("Faq", page=True),
    "faq.comment": Case("Faq", "POST"),
    "sales.invoice": Case("Invoice", page=True),
    "sales.invoice_pdf": Case("Invoice"),
    "sales.quote": Case("Quotes", page=True),
    "sales.quote_pdf": Case("Quotes"),
    "documents.detail": Case("Documents", page=True),
    "documents.download": Case("Documents"),
    "documents.open": Case("Documents"),
    "catalog.product": Case("Products", page=True),
    "catalog.service": Case("Services", page=True),
    "catalog.asset": Case("Assets", page=True),
    "catalog.contract": Case("ServiceContracts", page=True),
    "projects.detail": Case("Project", page=True),
    "company.contact": Case("Contacts", page=True),
    "company.account": Case("Accounts", page=True),
}
#: Text of each module's records that a refused page must not show: (table, columns).
SECRETS = {
    "HelpDesk": ("tickets", ("ticket_no", "title")), "Faq": ("faqs", ("question",)),
    "Invoice": ("invoices", ("invoice_no", "subject")),
    "Quotes": ("quotes", ("quote_no", "subject")), "Documents": ("documents", ("title",)),
    "Products": ("products", ("name",)), "Services": ("services", ("name",)),
    "Assets": ("assets", ("asset_no", "name")),
    "ServiceContracts": ("service_contracts", ("subject",)),
    "Project": ("projects", ("project_no", "name")), "Contacts": ("contacts", ("email",)),
    "Accounts": ("accounts", ("name",)),
}
POST_DATA = {"tickets.comment": {"comment": "not my ticket"}, "faq.comment": {"comment": "x"}}
#: Tables a refused POST must leave as they are.
WRITTEN_TABLES = ("ticket_comments", "faq_comments", "documents", "attachments", "entities")


@dataclass
class World:
    """A lax stub, a portal in front of it, the logged-in attackers and the strict answers."""

    stub: StubCrm
    app: Flask
    customers: dict[str, Customer]
    allowed: dict[tuple[str, str, int], bool] = field(default_factory=dict)

    def url(self, endpoint: str, record_id: int) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, record_id=record_id, **dict(CASES[endpoint].extra))

    def ids(self, module: str) -> list[int]:
        rows = self.stub.store.query("SELECT id FROM entities WHERE module = ?", (module,))
        return sorted(row["id"] for row in rows) + [MISSING_ID]

    def secrets(self, module: str, record_id: int) -> list[str]:
        table, columns = SECRETS[module]
        row = self.stub.store.query_one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        return [str(row[column]) for column in columns] if row else []


def strictly_allowed(ctx, contact_id: int, module: str, record_id: int) -> bool:
    """What a strict CRM lets the contact open (FAQs: the published knowledge base)."""
    if module == "Faq":
        return ctx.store.query_one("SELECT 1 FROM faqs WHERE id = ? AND status = 'Published'",
                                   (record_id,)) is not None
    if module == "ServiceContracts":
        return may_see_contract(ctx, contact_id, record_id)
    return vis.check_permission(ctx, contact_id, module, record_id)


@pytest.fixture(scope="module", params=["show-all", "own-only"])
def world(request, tmp_path_factory) -> Iterator[World]:
    tmp_path: Path = tmp_path_factory.mktemp(request.param)
    crm_app = crm_stub.create_app(tmp_path / "crm")
    ctx = crm_app.extensions["crm_stub"]
    if request.param == "own-only":
        ctx.store.execute("UPDATE portal_modules SET show_related = 0")
    with serve_wsgi(crm_app) as crm_url:
        ctx.base_url = crm_url
        stub = StubCrm(url=crm_url, store=ctx.store)
        app = create_app(overrides=portal_overrides(crm_url, tmp_path))
        with serve_wsgi(app) as portal_url:
            customers = {email: log_in_as(stub, requests.Session(), portal_url, email)
                         for email in ATTACKERS}
            running = World(stub, app, customers)
            for email, customer in customers.items():
                for module in {case.module for case in CASES.values()}:
                    for record_id in running.ids(module):
                        running.allowed[email, module, record_id] = strictly_allowed(
                            ctx, customer.contact_id, module, record_id)
            set_authorization(ctx.store, "lax")
            yield running
            for customer in customers.values():
                customer.browser.close()


def test_every_route_with_an_id_has_a_case(world):
    with_ids = {rule.endpoint for rule in world.app.url_map.iter_rules()
                if rule.arguments and rule.endpoint != "static"}
    assert with_ids == set(CASES)


def refusal_problems(world: World, customer: Customer, endpoint: str, record_id: int,
                     response: requests.Response) -> list[str]:
    """What is wrong with the answer to a refused id ([] when it was refused cleanly)."""
    problems = []
    if response.status_code not in (403, 404):
        problems.append(f"{endpoint} {record_id}: status {response.status_code}")
    for text in world.secrets(CASES[endpoint].module, record_id):
        if text and text in response.text:
            problems.append(f"{endpoint} {record_id}: shows {text!r}")
    return problems


@pytest.mark.parametrize("email", ATTACKERS)
def test_get_routes_refuse_exactly_what_a_strict_crm_refuses(world, email):
    customer, problems, refused = world.customers[email], [], 0
    for endpoint, case in CASES.items():
        if case.method != "GET":
            continue
        for record_id in world.ids(case.module):
            response = customer.get(world.url(endpoint, record_id), params={"name": "x"},
                                    allow_redirects=False)
            if world.allowed[email, case.module, record_id]:
                if case.page and response.status_code != 200:
                    problems.append(f"{endpoint} {record_id}: own record gave "
                                    f"{response.status_code}")
                continue
            refused += 1
            problems += refusal_problems(world, customer, endpoint, record_id, response)
    assert problems == []
    assert refused > 40  # the matrix really tried other customers' ids


def snapshot(world: World) -> dict[str, list[tuple]]:
    return {table: [tuple(row) for row in world.stub.store.query(f"SELECT * FROM {table}")]
            for table in WRITTEN_TABLES} | {"tickets": [tuple(row) for row in world.stub.store.query(
                "SELECT id, status, modified FROM tickets t JOIN entities e USING (id)")]}


@pytest.mark.parametrize("email", ATTACKERS)
def test_post_routes_change_nothing_for_refused_ids(world, email):
    customer = world.customers[email]
    token = csrf_token_of(customer.get("/tickets/new"))
    before, problems = snapshot(world), []
    for endpoint, case in CASES.items():
        if case.method != "POST":
            continue
        for record_id in world.ids(case.module):
            if world.allowed[email, case.module, record_id]:
                continue
            files = {"files": ("x.txt", b"hi", "text/plain")} \
                if endpoint == "tickets.upload" else None
            response = customer.browser.post(
                f"{customer.portal_url}{world.url(endpoint, record_id)}",
                data={"csrf_token": token, **POST_DATA.get(endpoint, {})}, files=files,
                allow_redirects=False)
            problems += refusal_problems(world, customer, endpoint, record_id, response)
    assert problems == []
    assert snapshot(world) == before


def test_the_upload_form_takes_only_the_customers_own_open_tickets(world):
    alice = world.customers["alice@acme.example"]
    before = snapshot(world)
    for ticket in (14, 17, MISSING_ID):  # Bob's (Acme), Dave's (Globex), none
        response = alice.submit("/documents/upload", "/documents/upload",
                                {"ticket_id": str(ticket)},
                                files={"files": ("x.txt", b"hi", "text/plain")})
        assert response.status_code == 400, ticket
    assert snapshot(world) == before


def test_show_all_decides_whether_a_colleagues_records_open(world, request):
    alice = world.customers["alice@acme.example"]
    bobs_ticket, acme_project = 14, 45
    shows_all = "show-all" in request.node.callspec.id
    expected = 200 if shows_all else 403
    assert world.allowed["alice@acme.example", "HelpDesk", bobs_ticket] is shows_all
    assert alice.get(f"/tickets/{bobs_ticket}").status_code == expected
    assert alice.get(f"/projects/{acme_project}").status_code == expected
    assert alice.get("/contacts/5").status_code == expected  # Bob
    assert alice.get("/company/2").status_code == 200  # her own organization, always
