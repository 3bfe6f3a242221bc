"""Scale-out: two portal processes with the same secret key serve one customer's requests in
any order (no sticky sessions), as gunicorn workers or hosts behind a load balancer do.

Each portal here is its own app with its own caches, like a separate process.
"""

from __future__ import annotations

import re

import pytest
import requests

from tests.integration.conftest import csrf_token_of, log_in_as, page, table_rows


@pytest.fixture
def two_portals(stub_crm, make_portal) -> tuple[str, str]:
    return make_portal(stub_crm.url), make_portal(stub_crm.url)


@pytest.fixture
def browser_session():
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        yield browser


def test_a_login_on_one_process_is_valid_on_the_other(stub_crm, two_portals, browser_session):
    first, second = two_portals
    log_in_as(stub_crm, browser_session, first, "alice@acme.example")
    on_first = browser_session.get(f"{first}/tickets")
    on_second = browser_session.get(f"{second}/tickets")
    assert (on_first.status_code, on_second.status_code) == (200, 200)
    assert table_rows(on_second, "ticket-list") == table_rows(on_first, "ticket-list")
    assert page(on_second).xpath("//a[@href='/tickets/12']")


def _create_ticket(browser: requests.Session, portal: str, title: str) -> str:
    form = browser.get(f"{portal}/tickets/new")
    answer = browser.post(f"{portal}/tickets/new", allow_redirects=False, data={
        "csrf_token": csrf_token_of(form), "title": title, "description": "scale-out",
        "priority": "Low", "severity": "Minor", "category": "Big Problem"})
    assert answer.status_code == 302, answer.text
    return re.search(r"/tickets/(\d+)$", answer.headers["Location"]).group(1)


def test_a_write_on_one_process_shows_at_once_on_the_other(stub_crm, two_portals,
                                                            browser_session):
    first, second = two_portals
    log_in_as(stub_crm, browser_session, first, "alice@acme.example")
    assert browser_session.get(f"{second}/tickets").status_code == 200  # second caches the list
    new_id = _create_ticket(browser_session, first, "Raised on the first process")
    assert browser_session.get(f"{first}/tickets/{new_id}").status_code == 200
    assert browser_session.get(f"{second}/tickets/{new_id}").status_code == 200
    assert "Raised on the first process" in browser_session.get(f"{second}/tickets").text
