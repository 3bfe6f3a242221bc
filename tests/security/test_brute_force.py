"""Brute force against the running portal: guessing passwords and flooding the password mail
is stopped per account and per client address, before the CRM is asked, with a 429 that never
tells whether the account exists."""

from __future__ import annotations

import pytest
import requests

from tests.integration.conftest import csrf_token_of, login, page

ATTEMPTS = 3
WRONG = ("The e-mail address or password is not correct, or your support period has ended.")
THROTTLED = "Too many attempts. Please wait 10 minutes and try again."
MAIL_ANSWER = ("If this e-mail address belongs to a portal login, a mail with a link to set a "
               "new password is on its way. Please check your inbox.")


@pytest.fixture
def crm(counted_stub):
    """The stub CRM and the counter of what the portal asked it."""
    return counted_stub


def throttled_portal(make_portal, crm_url: str, proxies: int = 0) -> str:
    return make_portal(crm_url, security={
        "secret_key": "brute-force-test", "throttle_attempts": ATTEMPTS,
        "throttle_window_minutes": 5, "throttle_lockout_minutes": 10,
        "trusted_proxies": proxies})


@pytest.fixture
def portal(crm, make_portal) -> str:
    return throttled_portal(make_portal, crm[0].url)


def try_login(portal: str, email: str, password: str, **headers: str) -> requests.Response:
    """One login try from a fresh browser (an attacker drops cookies between tries)."""
    with requests.Session() as browser:
        browser.headers.update({"Accept-Language": "en", **headers})
        return login(browser, portal, email, password)


def request_mail(portal: str, email: str) -> requests.Response:
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        token = csrf_token_of(browser.get(f"{portal}/forgot-password"))
        return browser.post(f"{portal}/forgot-password",
                            data={"csrf_token": token, "email": email})


def error_of(response: requests.Response) -> str:
    return page(response).xpath("normalize-space(//p[@role='alert'])")


def test_guessing_a_password_is_locked_out_before_the_crm_is_asked(crm, portal):
    for _ in range(ATTEMPTS):
        assert try_login(portal, "alice@acme.example", "guess").status_code == 401
    asked = crm[1].requests
    refused = try_login(portal, "alice@acme.example", "alice123")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "600"
    assert error_of(refused) == THROTTLED
    assert crm[1].requests == asked
    assert page(refused).xpath("//form[@method='post']//input[@name='password']")


def test_unknown_accounts_and_wrong_passwords_get_the_same_answers(crm, make_portal):
    portal = throttled_portal(make_portal, crm[0].url, proxies=1)
    for n, email in enumerate(("alice@acme.example", "nobody@nowhere.example")):
        wrong = [try_login(portal, email, "guess", **{"X-Forwarded-For": f"10.{n}.0.{i}"})
                 for i in range(ATTEMPTS)]
        assert {(r.status_code, error_of(r)) for r in wrong} == {(401, WRONG)}
    answers = [try_login(portal, email, "guess", **{"X-Forwarded-For": "10.5.5.5"})
               for email in ("alice@acme.example", "nobody@nowhere.example")]
    assert [(r.status_code, r.headers["Retry-After"], error_of(r)) for r in answers] == [
        (429, "600", THROTTLED), (429, "600", THROTTLED)]


def test_one_address_trying_many_accounts_is_locked_out(portal):
    for n in range(ATTEMPTS):
        assert try_login(portal, f"user{n}@acme.example", "guess").status_code == 401
    assert try_login(portal, "bob@acme.example", "bob123").status_code == 429


def test_many_addresses_trying_one_account_lock_the_account(crm, make_portal):
    portal = throttled_portal(make_portal, crm[0].url, proxies=1)
    for n in range(ATTEMPTS):
        sent = try_login(portal, "alice@acme.example", "guess",
                         **{"X-Forwarded-For": f"10.0.0.{n}"})
        assert sent.status_code == 401
    other = try_login(portal, "alice@acme.example", "alice123",
                      **{"X-Forwarded-For": "10.9.9.9"})
    assert other.status_code == 429
    assert try_login(portal, "bob@acme.example", "bob123",
                     **{"X-Forwarded-For": "10.9.9.9"}).status_code == 200


def test_behind_a_trusted_proxy_each_client_address_counts_apart(crm, make_portal):
    portal = throttled_portal(make_portal, crm[0].url, proxies=1)
    for n in range(ATTEMPTS):
        try_login(portal, f"user{n}@acme.example", "guess", **{"X-Forwarded-For": "10.0.0.1"})
    assert try_login(portal, "bob@acme.example", "bob123",
                     **{"X-Forwarded-For": "10.0.0.1"}).status_code == 429
    assert try_login(portal, "bob@acme.example", "bob123",
                     **{"X-Forwarded-For": "10.0.0.2"}).status_code == 200


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(portal):
    for n in range(ATTEMPTS):
        try_login(portal, f"user{n}@acme.example", "guess", **{"X-Forwarded-For": f"10.0.0.{n}"})
    assert try_login(portal, "bob@acme.example", "bob123",
                     **{"X-Forwarded-For": "10.7.7.7"}).status_code == 429


def test_a_successful_login_clears_the_accounts_count(crm, make_portal):
    portal = throttled_portal(make_portal, crm[0].url, proxies=1)
    for round_ in range(2):
        for n in range(ATTEMPTS - 1):
            address = f"10.{round_}.0.{n}"
            assert try_login(portal, "alice@acme.example", "guess",
                             **{"X-Forwarded-For": address}).status_code == 401
        assert try_login(portal, "alice@acme.example", "alice123",
                         **{"X-Forwarded-For": f"10.{round_}.1.1"}).status_code == 200


def test_the_password_mail_is_throttled_for_known_and_unknown_addresses(crm, portal):
    sent = [request_mail(portal, "alice@acme.example") for _ in range(ATTEMPTS)]
    assert [r.status_code for r in sent] == [200] * ATTEMPTS
    assert all(MAIL_ANSWER in r.text for r in sent)
    asked = crm[1].requests
    refused = [request_mail(portal, email)
               for email in ("alice@acme.example", "nobody@nowhere.example")]
    assert [(r.status_code, r.headers["Retry-After"], error_of(r)) for r in refused] == [
        (429, "600", THROTTLED), (429, "600", THROTTLED)]
    assert crm[1].requests == asked


def test_the_login_still_works_while_the_password_mail_is_throttled(portal):
    for _ in range(ATTEMPTS + 1):
        request_mail(portal, "alice@acme.example")
    assert try_login(portal, "alice@acme.example", "alice123").status_code == 200
