"""A second login kills the session while Alice writes a ticket: after logging in again the
form is filled in from the browser's draft, one click sends it, and exactly one ticket exists."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
from playwright.sync_api import expect

import crm_stub
from portalclient import create_app
from tests.browser import journey
from tests.browser.harness import Servers, Tab, portal_overrides
from tests.integration.conftest import login
from tests.servers import serve_wsgi

pytestmark = pytest.mark.browser

RESTORED = "What you typed before has been filled in again."


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A stub CRM and portal of this module's own: the tickets made here and the sessions
    ended here stay out of the shared servers of the customer journey."""
    tmp = tmp_path_factory.mktemp("drafts")
    crm_app = crm_stub.create_app(tmp / "crm")
    with serve_wsgi(crm_app) as crm_url:
        crm_app.extensions["crm_stub"].base_url = crm_url
        with serve_wsgi(create_app(overrides=portal_overrides(crm_url, tmp))) as portal_url:
            yield Servers(portal_url, crm_url, crm_app.extensions["crm_stub"].store)


def log_in_elsewhere(servers: Servers) -> None:
    """Alice logs in from another browser: the CRM ends the session of this one."""
    with requests.Session() as other:
        assert login(other, servers.portal_url, *journey.ALICE).status_code == 200


def tickets_titled(servers: Servers, title: str) -> int:
    return servers.store.scalar("SELECT count(*) FROM tickets WHERE title = ?", (title,))


def test_a_ticket_typed_before_the_session_was_lost_is_sent_once(tab: Tab,
                                                                 servers: Servers) -> None:
    page = tab.page
    title = f"Fan rattles ({tab.size})"
    description = "At full speed only.\nSince the update."
    journey.log_in(tab, servers, *journey.ALICE)
    page.goto(servers.url("/tickets/new"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Priority").select_option("High")
    log_in_elsewhere(servers)
    page.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_role("heading", name="Log in to the customer portal")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("this browser fills in what you typed")
    journey.arrived(tab, "session-lost")
    assert tickets_titled(servers, title) == 0
    page.get_by_label("E-mail address").fill(journey.ALICE[0])
    page.get_by_label("Password").fill(journey.ALICE[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New ticket")
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page.get_by_label("Description")).to_have_value(description)
    expect(page.get_by_label("Priority")).to_have_value("High")
    expect(page.locator(".draft-restored")).to_have_text(RESTORED)
    journey.arrived(tab, "draft-restored")
    page.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_role("status")).to_contain_text("Your ticket has been created.")
    expect(page.get_by_role("heading", level=1).locator(".ticket-title")).to_have_text(title)
    assert tickets_titled(servers, title) == 1
    page.goto(servers.url("/tickets/new"))
    expect(page.get_by_label("Title")).to_have_value("")
    assert tab.watch.problems() == []
