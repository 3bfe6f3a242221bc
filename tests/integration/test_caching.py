"""Per-session list caching against the stub over HTTP: fewer calls, writes seen at once, no
customer ever served another's cached lists, a new login starting afresh (issue 6)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests

from portalclient import create_app
from tests.integration.conftest import (CallCounter, PortalVisitors, csrf_token_of, login,
                                        page, portal_overrides, stub_behind, table_rows)
from tests.integration.test_tickets_list import add_ticket
from tests.servers import serve_wsgi

ACME, GLOBEX = ("alice@acme.example", "bob@acme.example"), ("dave@globex.example",)


@dataclass(kw_only=True)
class Portal(PortalVisitors):
    counter: CallCounter


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with stub_behind(tmp_path, CallCounter) as (stub, counter):
        app = create_app(overrides=portal_overrides(
            stub.url, tmp_path, cache={"customer_ttl_seconds": 600}))
        with serve_wsgi(app) as portal_url:
            running = Portal(stub=stub, counter=counter, url=portal_url)
            yield running
            running.close()


def ticket_numbers(response: requests.Response) -> list[str]:
    return sorted(row[0] for row in table_rows(response, "ticket-list"))


def ticket_statuses(response: requests.Response) -> dict[str, str]:
    return {row[0]: row[4] for row in table_rows(response, "ticket-list")}


def test_list_pages_and_their_ownership_checks_share_one_call_per_list(portal):
    alice = portal.log_in("alice@acme.example")
    assert portal.counter.calls["get_tickets_list"] == 1  # the landing page
    for query in ("", "?scope=all", "?state=closed", "?scope=all&state=all&q=widget"):
        assert alice.get(f"/tickets{query}").status_code == 200
    assert portal.counter.calls["get_tickets_list"] == 1
    for path in ("/invoices", "/invoices?scope=all", "/invoices/40", "/quotes", "/quotes/38",
                 "/documents", "/documents?scope=all", "/documents/57", "/contacts",
                 "/contacts/5", "/projects", "/projects/45"):
        assert alice.get(path).status_code == 200, path
    # one get_list_values per module (Invoice, Quotes, Documents, Contacts, Project)
    assert portal.counter.calls["get_list_values"] == 5


def test_a_write_shows_up_at_once_for_the_writer(portal):
    alice = portal.log_in("alice@acme.example")
    assert "TT9" not in ticket_numbers(alice.get("/tickets?state=all"))
    created = alice.submit("/tickets/new", "/tickets/new", {"title": "Cached list test"})
    assert created.status_code == 200
    listing = alice.get("/tickets?state=all")
    assert "TT9" in ticket_numbers(listing)
    new_id = portal.stub.store.scalar("SELECT id FROM tickets WHERE ticket_no = 'TT9'")
    alice.submit(f"/tickets/{new_id}", f"/tickets/{new_id}/comments",
                 {"comment": "A first comment"})
    detail = alice.get(f"/tickets/{new_id}")
    assert "A first comment" in detail.text
    assert ticket_statuses(alice.get("/tickets?state=all"))["TT9"] == "Open"
    closed = alice.browser.post(f"{alice.portal_url}/tickets/{new_id}/close",
                                data={"csrf_token": csrf_token_of(detail)})
    assert closed.status_code == 200
    assert ticket_statuses(alice.get("/tickets?state=all"))["TT9"] == "Closed"


def test_customers_never_see_each_others_cached_lists(portal):
    customers = {email: portal.log_in(email) for email in (*ACME, *GLOBEX)}
    truth = {"alice@acme.example": (["TT1", "TT2"], ["INV1"]),
             "bob@acme.example": (["TT3"], []),
             "dave@globex.example": (["TT6", "TT7"], ["INV2"])}
    organization = {"alice@acme.example": ["TT1", "TT2", "TT3", "TT5"],
                    "bob@acme.example": ["TT1", "TT2", "TT3", "TT5"],
                    "dave@globex.example": ["TT4", "TT6", "TT7", "TT8"]}
    for _round in range(2):  # the second round is served from the caches
        for email, customer in customers.items():
            tickets, invoices = truth[email]
            assert ticket_numbers(customer.get("/tickets?state=all")) == tickets, email
            assert ticket_numbers(customer.get("/tickets?state=all&scope=all")) == \
                organization[email], email
            mine = customer.get("/invoices")
            assert sorted(row[0] for row in table_rows(mine, "invoices")) == invoices, email
    assert portal.counter.calls["get_tickets_list"] == 3  # one per customer


def test_a_new_login_does_not_reuse_the_old_sessions_lists(portal):
    alice = portal.log_in("alice@acme.example")
    assert "Widget Pro does not start" in alice.get("/tickets").text
    portal.stub.store.execute("UPDATE tickets SET title = 'Renamed in the CRM' WHERE "
                              "ticket_no = 'TT1'")
    assert "Widget Pro does not start" in alice.get("/tickets").text  # cached
    logout = alice.browser.post(f"{alice.portal_url}/logout",
                                data={"csrf_token": csrf_token_of(alice.get("/tickets"))})
    assert logout.status_code == 200
    again = login(alice.browser, alice.portal_url, alice.email, "alice123", next_url="/tickets")
    assert again.url.endswith("/tickets")
    assert "Renamed in the CRM" in again.text
    assert "Widget Pro does not start" not in again.text


def test_the_ticket_page_refuses_at_once_what_a_login_can_no_longer_see(portal):
    """Ownership comes from the session's lists: another session never widens them."""
    dave = portal.log_in("dave@globex.example")
    alice = portal.log_in("alice@acme.example")
    assert dave.get("/tickets/17").status_code == 200
    assert alice.get("/tickets/17").status_code == 403
    assert dave.get("/tickets/12").status_code == 403
    assert page(alice.get("/tickets/12")).xpath("string(//h1)").strip() != ""


def test_a_ticket_made_in_the_crm_meanwhile_opens_at_once_and_probing_costs_one_list_call(
        portal):
    alice = portal.log_in("alice@acme.example")
    assert alice.get("/tickets").status_code == 200  # the list is cached now
    staff_made = add_ticket(portal.stub.store, "TT90", "Opened by support for Alice")
    portal.counter.calls.clear()
    opened = alice.get(f"/tickets/{staff_made}")
    assert opened.status_code == 200
    assert "Opened by support for Alice" in opened.text
    assert portal.counter.calls["get_tickets_list"] == 1  # read afresh once for the new id
    portal.counter.calls.clear()
    foreign = [alice.get(f"/tickets/{record}").status_code for record in (999990, 999991)]
    assert foreign == [403, 403]
    assert portal.counter.calls["get_tickets_list"] <= 1  # at most one re-read per interval
    assert portal.counter.calls["get_details"] == 0  # refused before the CRM is asked
