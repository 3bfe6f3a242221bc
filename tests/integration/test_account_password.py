"""Changing the password over real HTTP: policy up front, CRM verdicts, never a password logged."""

from __future__ import annotations

import logging

import requests
from werkzeug.security import check_password_hash

import crm_stub
from tests.integration.conftest import log_in_as, login, page
from tests.servers import serve_wsgi

NEW_PASSWORD = "Tr0ub4dor & 3"


def change(customer, old: str, new: str, repeat: str | None = None) -> requests.Response:
    return customer.submit("/settings/password", "/settings/password", {
        "old_password": old, "new_password": new,
        "repeat_password": new if repeat is None else repeat})


def stored_hash(stub_crm) -> str:
    return stub_crm.store.query_one(
        "SELECT password_hash FROM portal_users WHERE contact_id = 4")["password_hash"]


def alert(response: requests.Response) -> str:
    return page(response).xpath("normalize-space(//*[@role='alert'])")


def test_the_form_states_the_policy_up_front(alice):
    form = page(alice.get("/settings/password"))
    assert [" ".join(li.text_content().split()) for li in form.xpath(
        "//div[@id='password-policy']//li")] == [
        "At least 8 characters long.", "Not the same as your current password.",
        "Typed twice, the same way both times."]
    assert form.xpath("//input[@name='new_password']/@aria-describedby") == ["password-policy"]
    assert form.xpath("//input[@name='new_password']/@minlength") == ["8"]
    assert [i.get("name") for i in form.xpath("//form[@method='post']//input[@type='password']")
            ] == ["old_password", "new_password", "repeat_password"]


def test_a_good_change_lets_the_customer_log_in_with_the_new_password(stub_crm, alice,
                                                                      caplog):
    caplog.set_level(logging.DEBUG)
    done = change(alice, "alice123", NEW_PASSWORD)
    assert done.url == f"{alice.portal_url}/settings"
    assert page(done).xpath("normalize-space(//li[@role='status'])") == (
        "Your password has been changed.")
    assert check_password_hash(stored_hash(stub_crm), NEW_PASSWORD)
    assert alice.get("/settings").status_code == 200  # the CRM session stays valid
    with requests.Session() as other:
        assert login(other, alice.portal_url, alice.email, "alice123").status_code == 401
    with requests.Session() as other:
        assert login(other, alice.portal_url, alice.email, NEW_PASSWORD).status_code == 200
    assert NEW_PASSWORD not in caplog.text and "alice123" not in caplog.text


def test_a_wrong_current_password_is_named_as_such(stub_crm, alice, caplog):
    caplog.set_level(logging.DEBUG)
    before = stored_hash(stub_crm)
    refused = change(alice, "not-my-password", NEW_PASSWORD)
    assert refused.status_code == 400
    assert alert(refused) == "Your current password is not correct."
    assert page(refused).xpath("//input[@name='old_password']/@aria-invalid") == ["true"]
    assert stored_hash(stub_crm) == before
    assert "not-my-password" not in caplog.text and NEW_PASSWORD not in caplog.text


POLICY_CASES = [
    ("", NEW_PASSWORD, NEW_PASSWORD, "Please enter your current password.", "old_password"),
    ("alice123", "short", "short", "The new password must have at least 8 characters.",
     "new_password"),
    ("alice123", "alice123", "alice123",
     "The new password must be different from the current one.", "new_password"),
    ("alice123", NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords are not the same.",
     "repeat_password"),
    ("alice123", "x" * 257, "x" * 257, "The new password must have at most 256 characters.",
     "new_password"),
]


def test_policy_violations_are_refused_before_the_crm_is_asked(stub_crm, alice):
    before = stored_hash(stub_crm)
    for old, new, repeat, message, field in POLICY_CASES:
        refused = change(alice, old, new, repeat)
        assert refused.status_code == 400, message
        assert alert(refused) == message
        assert page(refused).xpath(f"//input[@name='{field}']/@aria-invalid") == ["true"]
        assert page(refused).xpath("//input[@type='password']/@value") == []
    assert stored_hash(stub_crm) == before


def test_change_without_csrf_token_is_refused(stub_crm, alice):
    before = stored_hash(stub_crm)
    refused = alice.browser.post(f"{alice.portal_url}/settings/password", data={
        "old_password": "alice123", "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD})
    assert refused.status_code == 400
    assert stored_hash(stub_crm) == before


def test_crm_down_during_the_change_says_nothing_changed(tmp_path, make_portal, browser):
    second_crm = crm_stub.create_app(tmp_path / "crm2")
    with serve_wsgi(second_crm) as crm_url:
        portal = make_portal(crm_url)
        login(browser, portal, "alice@acme.example", "alice123")
        token = page(browser.get(f"{portal}/settings/password")).xpath(
            "//input[@name='csrf_token']/@value")[0]
    refused = browser.post(f"{portal}/settings/password", data={
        "csrf_token": token, "old_password": "alice123", "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD})
    assert refused.status_code == 503
    assert alert(refused) == ("The support system is not reachable right now; your password has "
                              "not been changed. Please try again in a few minutes.")


def test_the_german_form_renders(alice):
    german = alice.get("/settings/password", params={"lang": "de"})
    assert german.status_code == 200
    assert page(german).xpath("/html/@lang") == ["de"]
    assert len(page(german).xpath("//div[@id='password-policy']//li")) == 3


def test_guessing_the_current_password_is_throttled_like_logins(stub_crm, make_portal, browser):
    portal = make_portal(stub_crm.url, security={"secret_key": "integration-test-secret",
                                                  "throttle_attempts": 2})
    alice = log_in_as(stub_crm, browser, portal, "alice@acme.example")
    before = stored_hash(stub_crm)
    assert [change(alice, f"guess-{n}", NEW_PASSWORD).status_code for n in range(2)] == [400, 400]
    locked = change(alice, "alice123", NEW_PASSWORD)  # even the right password waits now
    assert locked.status_code == 429
    assert alert(locked) == "Too many wrong passwords. Please wait a few minutes and try again."
    assert stored_hash(stub_crm) == before
    with requests.Session() as other:  # the account is locked for logins too
        assert login(other, portal, alice.email, "alice123").status_code == 429
