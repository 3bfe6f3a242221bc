"""My settings, the support-period banner and the language choice, over real HTTP."""

from __future__ import annotations

import datetime as dt

import requests

from tests.integration.conftest import log_in_as, login, page


def fact(response: requests.Response, fact_id: str) -> str:
    return page(response).xpath(f"normalize-space(//div[@id='{fact_id}']/dd)")


def contact_dates(stub_crm, contact_id: int) -> tuple[dt.date, dt.date]:
    row = stub_crm.store.query_one(
        "SELECT support_start, support_end FROM contacts WHERE id = ?", (contact_id,))
    return dt.date.fromisoformat(row["support_start"]), dt.date.fromisoformat(row["support_end"])


def long_date(day: dt.date) -> str:
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def banner(response: requests.Response) -> str:
    return page(response).xpath("normalize-space(//div[contains(@class,'support-notice')])")


def test_settings_show_email_dates_and_password_link(stub_crm, alice):
    settings = alice.get("/settings")
    assert settings.status_code == 200
    start, end = contact_dates(stub_crm, 4)
    assert fact(settings, "account-email") == "alice@acme.example"
    assert fact(settings, "account-support-start") == long_date(start)
    assert fact(settings, "account-support-end") == long_date(end)
    assert fact(settings, "account-last-login") == "This is your first visit."
    assert page(settings).xpath("//a[@id='change-password-link']/@href") == [
        "/settings/password"]


def test_settings_show_the_last_visit_after_a_logout(stub_crm, portal_url, browser):
    customer = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    customer.submit("/settings", "/logout")
    log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    stored = stub_crm.store.query_one(
        "SELECT last_login_time FROM portal_users WHERE contact_id = 4")["last_login_time"]
    when = dt.datetime.fromisoformat(stored)
    shown = fact(customer.get("/settings"), "account-last-login")
    assert shown.startswith(f"{when.strftime('%b')} {when.day}, {when.year}")


def test_settings_need_a_login(portal_url, browser):
    response = browser.get(f"{portal_url}/settings", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/settings"


def test_banner_warns_when_support_ends_within_30_days(stub_crm, portal_url, browser):
    erin = log_in_as(stub_crm, browser, portal_url, "erin@globex.example")
    _, end = contact_dates(stub_crm, 24)
    days = (end - dt.date.today()).days
    assert days == 14
    for path in ("/", "/settings"):
        assert banner(erin.get(path)) == (
            f"Your support period ends in {days} days, on {long_date(end)}. After that you can "
            "no longer log in to this portal; please contact us to renew it.")


def test_banner_says_one_day_in_the_singular(stub_crm, portal_url, browser):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    stub_crm.store.execute("UPDATE contacts SET support_end = ? WHERE id = 24",
                           (tomorrow.isoformat(),))
    erin = log_in_as(stub_crm, browser, portal_url, "erin@globex.example")
    assert banner(erin.get("/settings")).startswith(
        f"Your support period ends in 1 day, on {long_date(tomorrow)}.")


def test_no_banner_with_a_long_support_period_or_before_login(stub_crm, alice, portal_url):
    assert page(alice.get("/")).xpath("//div[contains(@class,'support-notice')]") == []
    with requests.Session() as anonymous:
        login_page = anonymous.get(f"{portal_url}/login")
    assert page(login_page).xpath("//div[contains(@class,'support-notice')]") == []


def test_language_choice_keeps_the_query_and_is_remembered_across_login(stub_crm, alice):
    settings = page(alice.get("/settings"))
    chooser = settings.xpath("//select[@id='settings-lang']/ancestor::form")[0]
    assert chooser.get("method") == "get"
    assert [o.get("value") for o in chooser.xpath(".//option")] == ["en", "de", "fa"]
    german = alice.get("/settings", params={"lang": "de"})
    assert page(german).xpath("/html/@lang") == ["de"]
    assert page(german).xpath("//select[@id='settings-lang']/option[@selected]/@value") == ["de"]
    alice.submit("/settings", "/logout")
    again = login(alice.browser, alice.portal_url, "alice@acme.example", "alice123")
    assert page(again).xpath("/html/@lang") == ["de"]


def test_language_chooser_keeps_other_query_arguments(alice):
    scoped = page(alice.get("/settings", params={"scope": "all", "lang": "fa"}))
    chooser = scoped.xpath("//select[@id='settings-lang']/ancestor::form")[0]
    assert [(i.get("name"), i.get("value")) for i in chooser.xpath("input[@type='hidden']")] == [
        ("scope", "all")]
    assert scoped.xpath("/html/@dir") == ["rtl"]


def test_settings_page_in_german_and_persian_renders(alice):
    for lang in ("de", "fa"):
        response = alice.get("/settings", params={"lang": lang})
        assert response.status_code == 200
        assert page(response).xpath("/html/@lang") == [lang]
        assert fact(response, "account-email") == "alice@acme.example"
