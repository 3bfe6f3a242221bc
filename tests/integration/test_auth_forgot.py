"""Login page and "forgot password" over real HTTP; the stub mails over real SMTP (aiosmtpd)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

import crm_stub
from crm_stub.mail import make_mailer
from tests.integration.conftest import StubCrm, flash_texts, login, page, post_form
from tests.mailbox import smtp_mailbox
from tests.servers import free_port, serve_wsgi

GENERIC_ANSWER = ("If this e-mail address belongs to a portal login, a mail with a link to set a "
                  "new password is on its way. Please check your inbox.")
NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def mailbox():
    with smtp_mailbox() as running:
        yield running


@pytest.fixture
def stub_crm(tmp_path: Path, mailbox):
    """The stub CRM, sending its mail over SMTP to ``mailbox``."""
    controller, _ = mailbox
    app = crm_stub.create_app(tmp_path / "crm", mailer=make_mailer("127.0.0.1", controller.port))
    with serve_wsgi(app) as url:
        app.extensions["crm_stub"].base_url = url
        yield StubCrm(url=url, store=app.extensions["crm_stub"].store)


def ask_for_mail(browser: requests.Session, portal_url: str, address: str) -> requests.Response:
    return post_form(browser, f"{portal_url}/forgot-password", f"{portal_url}/forgot-password",
                     {"email": address})



def test_login_page_links_to_forgot_password_keeping_next(portal_url, browser):
    form = page(browser.get(f"{portal_url}/login", params={"next": "/settings"}))
    assert form.xpath("//a[contains(@href, 'forgot-password')]/@href") == [
        "/forgot-password?next=/settings"]
    assert form.xpath("//form[@method='post']/input[@name='next']/@value") == ["/settings"]
    forgot = page(browser.get(f"{portal_url}/forgot-password", params={"next": "/settings"}))
    assert forgot.xpath("//form[@method='post']/input[@name='next']/@value") == ["/settings"]
    assert forgot.xpath("//input[@name='email']/@type") == ["email"]


def test_login_page_language_chooser_keeps_next(portal_url, browser):
    german = page(browser.get(f"{portal_url}/login", params={"next": "/settings", "lang": "de"}))
    assert german.xpath("/html/@lang") == ["de"]
    assert german.xpath("string(//h1)") != "Log in to the customer portal"
    chooser = german.xpath("//form[@class='language-form']")[0]
    assert chooser.xpath("input[@name='next']/@value") == ["/settings"]
    assert chooser.xpath("select/option[@selected]/@value") == ["de"]


def test_login_returns_to_next(stub_crm, portal_url, browser):
    back = login(browser, portal_url, *stub_crm.demo_login(), next_url="/settings")
    assert back.url == f"{portal_url}/settings"
    assert page(back).xpath("string(//h1)") == "My settings"


def test_known_address_gets_the_mail_and_the_link_sets_a_password(stub_crm, portal_url, browser,
                                                                   mailbox):
    _, recorder = mailbox
    answer = ask_for_mail(browser, portal_url, "alice@acme.example")
    assert answer.url == f"{portal_url}/login"
    assert flash_texts(answer) == [GENERIC_ANSWER]
    [message] = recorder.messages
    assert message["To"] == "alice@acme.example"
    assert message["Subject"] == "Set a new customer portal password"
    text = message.get_body(("plain",)).get_content()
    assert "alice@acme.example" in text
    link = re.search(r"https?://\S+", text).group()
    assert link.startswith(f"{stub_crm.url}/portal/set-password?token=")
    form = page(requests.get(link, timeout=10))
    token = form.xpath("//input[@name='token']/@value")[0]
    done = requests.post(link.split("?")[0], timeout=10, data={
        "token": token, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert done.status_code == 200
    home = login(browser, portal_url, "alice@acme.example", NEW_PASSWORD)
    assert home.url == f"{portal_url}/"
    assert login(requests.Session(), portal_url, "alice@acme.example",
                 "alice123").status_code == 401


def test_unknown_address_gets_the_identical_page_and_no_mail(stub_crm, portal_url, mailbox):
    _, recorder = mailbox
    answers = []
    for address in ("bob@acme.example", "nobody@nowhere.example", "frank@globex.example"):
        with requests.Session() as browser:
            answers.append(ask_for_mail(browser, portal_url, address))
    known, unknown, inactive = answers
    assert [message["To"] for message in recorder.messages] == ["bob@acme.example"]
    for other in (unknown, inactive):
        assert other.status_code == known.status_code == 200
        assert other.url == known.url
        assert flash_texts(other) == flash_texts(known) == [GENERIC_ANSWER]
        assert _without_token(other.text) == _without_token(known.text)


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_the_crm_message_is_never_shown(stub_crm, portal_url, browser):
    answer = ask_for_mail(browser, portal_url, "alice@acme.example")
    assert "If this address belongs to an active portal login" not in answer.text
    assert "<b>" not in answer.text


def test_the_german_page_renders(stub_crm, portal_url, browser):
    browser.headers["Accept-Language"] = "de"
    form = page(browser.get(f"{portal_url}/forgot-password"))
    assert form.xpath("/html/@lang") == ["de"]
    assert form.xpath("string(//label[@for='email'])") == "E-Mail-Adresse"
    answer = ask_for_mail(browser, portal_url, "nobody@nowhere.example")
    assert page(answer).xpath("/html/@lang") == ["de"]
    assert len(flash_texts(answer)) == 1


@pytest.mark.parametrize("address", ["", "   ", "not-an-address"])
def test_an_empty_or_malformed_address_is_asked_again(stub_crm, portal_url, browser, mailbox,
                                                      address):
    _, recorder = mailbox
    again = ask_for_mail(browser, portal_url, address)
    assert again.status_code == 400
    assert page(again).xpath("string(//*[@role='alert'])") == (
        "Please enter the e-mail address you log in with.")
    assert page(again).xpath("//input[@name='email']/@value") == [address.strip()]
    assert recorder.messages == []


def test_crm_down_says_so_and_keeps_the_address(make_portal, browser):
    portal = make_portal(f"http://127.0.0.1:{free_port()}", crm={"timeout_seconds": 2})
    answer = ask_for_mail(browser, portal, "alice@acme.example")
    assert answer.status_code == 503
    assert page(answer).xpath("string(//*[@role='alert'])") == (
        "The support system is not reachable right now, so no mail could be requested. "
        "Please try again in a few minutes.")
    assert page(answer).xpath("//input[@name='email']/@value") == ["alice@acme.example"]


def test_forgot_password_without_csrf_token_is_refused(stub_crm, portal_url, browser, mailbox):
    _, recorder = mailbox
    refused = browser.post(f"{portal_url}/forgot-password", data={"email": "alice@acme.example"})
    assert refused.status_code == 400
    assert recorder.messages == []
