"""CSRF: every state-changing route of the portal, sent without a token, with a wrong one and
with another session's, is refused and leaves the CRM untouched; the real form still works."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from portalclient import create_app
from tests.integration.conftest import Customer, csrf_token_of, log_in_as, portal_overrides
from tests.security.attack_helpers import changed_tables, store_state

TT1, HOURS_FAQ = 12, 20
PASSWORD = "alice123"


@dataclass(frozen=True)
class Case:
    """One POST route: a complete, valid submission and what it changes in the CRM."""

    path: str
    form_page: str
    data: dict[str, str]
    changes: set[str]
    files: list[tuple[str, tuple[str, bytes, str]]] = field(default_factory=list)


def text_file() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", ("notes.txt", b"csrf test\n", "text/plain"))]


CASES = {
    "auth.login": Case("/login", "/login", {"email": "alice@acme.example", "password": PASSWORD},
                       {"sessions", "portal_users"}),
    "auth.logout": Case("/logout", "/", {}, {"portal_users"}),
    "auth.forgot": Case("/forgot-password", "/forgot-password",
                        {"email": "alice@acme.example"}, {"password_tokens"}),
    "account.password": Case("/settings/password", "/settings/password",
                             {"old_password": PASSWORD, "new_password": "Fresh-pass-123",
                              "repeat_password": "Fresh-pass-123"}, {"portal_users"}),
    "documents.upload": Case("/documents/upload", "/documents/upload",
                             {"ticket_id": str(TT1)}, {"documents", "attachments"}, text_file()),
    "faq.comment": Case(f"/faq/{HOURS_FAQ}/comments", f"/faq/{HOURS_FAQ}",
                        {"comment": "forged?"}, {"faq_comments"}),
    "tickets.close": Case(f"/tickets/{TT1}/close", f"/tickets/{TT1}", {}, {"tickets"}),
    "tickets.comment": Case(f"/tickets/{TT1}/comments", f"/tickets/{TT1}",
                            {"comment": "forged?"}, {"ticket_comments"}),
    "tickets.upload": Case(f"/tickets/{TT1}/files", f"/tickets/{TT1}", {},
                           {"documents", "attachments"}, text_file()),
    "tickets.new": Case("/tickets/new", "/tickets/new",
                        {"title": "Forged ticket", "description": "by a third-party page"},
                        {"tickets"}),
}
ANONYMOUS_OK = {"auth.login", "auth.forgot"}


def state_changing_endpoints(tmp_path: Path) -> set[str]:
    """Every endpoint that accepts POST, PUT, PATCH or DELETE (walks the real URL map)."""
    app = create_app(overrides=portal_overrides("http://127.0.0.1:9/", tmp_path))
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}


@pytest.fixture
def alice_and_bob(stub_crm, portal_url) -> Iterator[tuple[Customer, Customer]]:
    with requests.Session() as one, requests.Session() as two:
        one.headers["Accept-Language"] = two.headers["Accept-Language"] = "en"
        yield (log_in_as(stub_crm, one, portal_url, "alice@acme.example"),
               log_in_as(stub_crm, two, portal_url, "bob@acme.example"))


def forged_tokens(alice: Customer, bob: Customer, case: Case) -> dict[str, str | None]:
    """No token, an empty one, a made-up one, alice's with a flipped character, bob's."""
    own = csrf_token_of(alice.get(case.form_page))
    return {"missing": None, "empty": "", "made up": "A" * len(own),
            "tampered": own[:-1] + ("A" if own[-1] != "A" else "B"),
            "other session's": csrf_token_of(bob.get("/tickets/new"))}


def post(customer: Customer, case: Case, token: str | None, **kwargs: Any) -> requests.Response:
    data = dict(case.data) if token is None else {**case.data, "csrf_token": token}
    return customer.browser.post(f"{customer.portal_url}{case.path}", data=data,
                                 files=case.files or None, allow_redirects=False, **kwargs)


def test_every_state_changing_route_is_covered(tmp_path):
    assert state_changing_endpoints(tmp_path) == set(CASES)


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_forged_posts_are_refused_and_change_nothing(stub_crm, alice_and_bob, endpoint):
    alice, bob = alice_and_bob
    case = CASES[endpoint]
    before = store_state(stub_crm.store)
    for name, token in forged_tokens(alice, bob, case).items():
        response = post(alice, case, token)
        assert response.status_code == 400, (name, response.status_code)
        assert changed_tables(before, store_state(stub_crm.store)) == set(), name
    assert alice.get("/tickets", allow_redirects=False).status_code == 200  # still logged in
    response = alice.submit(case.form_page, case.path, case.data, files=case.files or None,
                            allow_redirects=False)
    assert response.status_code in (200, 302), response.text
    assert changed_tables(before, store_state(stub_crm.store)) & case.changes


@pytest.mark.parametrize("endpoint", sorted(set(CASES) - ANONYMOUS_OK))
def test_anonymous_posts_go_to_the_login_page_and_change_nothing(stub_crm, portal_url, browser,
                                                                 endpoint):
    case = CASES[endpoint]
    before = store_state(stub_crm.store)
    response = browser.post(f"{portal_url}{case.path}", data=case.data,
                            files=case.files or None, allow_redirects=False)
    if endpoint == "auth.logout":
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert changed_tables(before, store_state(stub_crm.store)) == set()


@pytest.mark.parametrize("endpoint", sorted(ANONYMOUS_OK))
def test_login_and_password_mail_need_the_token_of_the_visitors_own_form(
        stub_crm, portal_url, browser, endpoint):
    case = CASES[endpoint]
    before = store_state(stub_crm.store)
    with requests.Session() as attacker:
        foreign = csrf_token_of(attacker.get(f"{portal_url}{case.form_page}"))
    browser.get(f"{portal_url}{case.form_page}")
    for token in (None, "", foreign):
        data = dict(case.data) if token is None else {**case.data, "csrf_token": token}
        response = browser.post(f"{portal_url}{case.path}", data=data, allow_redirects=False)
        assert response.status_code == 400
    assert changed_tables(before, store_state(stub_crm.store)) == set()
    assert browser.get(f"{portal_url}/tickets", allow_redirects=False).status_code == 302


GET_ONLY_SPOT_CHECKS = ["/logout", f"/tickets/{TT1}/close", f"/tickets/{TT1}/comments",
                        f"/tickets/{TT1}/files", f"/faq/{HOURS_FAQ}/comments"]


@pytest.mark.parametrize("path", GET_ONLY_SPOT_CHECKS)
def test_get_never_changes_state(stub_crm, alice_and_bob, path):
    alice = alice_and_bob[0]
    before = store_state(stub_crm.store)
    response = alice.get(path, params={"comment": "via GET", "csrf_token": "x"},
                         allow_redirects=False)
    assert response.status_code == 405
    assert changed_tables(before, store_state(stub_crm.store)) == set()


def test_method_not_allowed_names_the_allowed_method(alice_r):
    response = alice_r.get(f"/tickets/{TT1}/close", allow_redirects=False)
    assert response.status_code == 405
    allowed = {method.strip() for method in response.headers.get("Allow", "").split(",")}
    assert "POST" in allowed and "GET" not in allowed
