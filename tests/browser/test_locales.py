"""Login, home, a ticket and an invoice in Japanese, Persian and Russian, at desktop and phone
size: the language chosen on the login page, ``<html lang dir>``, no sideways overflow, no text
the portal left in English, and a layout that starts on the language's side (right in Persian).

Screenshots: tests/browser/screenshots/test_locales_<lang>-<size>-<n>-<page>.png.
"""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from portalclient import create_app
from portalclient.config import EXTENSION_KEY
from tests.browser.harness import Servers, Tab, portal_overrides
from tests.browser.locales_pages import back_arrow_transform, page_facts, start_gap
from tests.browser.shots import Screenshots
from tests.servers import serve_wsgi

pytestmark = pytest.mark.browser

OFFERED = ["en", "de", "ja", "ru", "fa", "it", "sv", "es", "fr", "pt_BR", "tr", "zh_CN"]
DAVE = ("dave@globex.example", "dave123")  # Globex: a Japanese ticket, a Russian invoice
JAPANESE_TICKET = "センサーキットの接続エラー"
RUSSIAN_INVOICE = "INV2"
#: The brand may start this far from the window's edge (the header's padding).
START_PADDING_PX = 24


@pytest.fixture(scope="module")
def portal(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A portal offering every language, on the browser tests' stub CRM: (url, allowed words)."""
    overrides = portal_overrides(servers.crm_url, tmp_path_factory.mktemp("locales"))
    overrides["languages"] = OFFERED
    app = create_app(overrides=overrides)
    extensions = frozenset(app.extensions[EXTENSION_KEY].uploads.allowed_extensions)
    with serve_wsgi(app) as url:
        yield url, extensions


class LocaleCheck:
    """Checks each page in one language, keeps a screenshot, and collects every problem."""

    def __init__(self, tab: Tab, language: str, allowed: frozenset[str]) -> None:
        self.page: Page = tab.page
        self.language = language
        self.allowed = allowed
        self.shots = Screenshots(tab.page, f"test_locales_{language}", tab.size)
        self.shots.clear_old()
        self.problems: list[str] = []

    def arrived(self, step: str) -> None:
        self.shots.take(step)
        facts = page_facts(self.page, self.language, self.allowed)
        rtl = self.language == "fa"
        expected = (self.language, "rtl" if rtl else "ltr", [])
        if (facts.lang, facts.direction, facts.untranslated) != expected:
            self.problems.append(f"{step}: lang={facts.lang} dir={facts.direction} "
                                 f"untranslated={facts.untranslated}")
        if facts.overflow > 1:
            self.problems.append(f"{step}: {facts.overflow}px wider than the window")
        if start_gap(self.page, ".brand") > START_PADDING_PX:
            self.problems.append(f"{step}: the portal's name is not at the start of the header")


def _choose_language(page: Page, language: str) -> None:
    """Pick ``language`` in the login page's chooser and send the form."""
    chooser = page.locator("form.language-form")
    chooser.locator("select").select_option(language)
    chooser.locator("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _log_in(page: Page, email: str, password: str) -> None:
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator("header .logout-form")).to_be_visible()


@pytest.mark.parametrize("language", ["ja", "fa", "ru"])
def test_pages_in_the_customers_language(tab: Tab, portal: tuple, language: str) -> None:
    url, allowed = portal
    page = tab.page
    check = LocaleCheck(tab, language, allowed)
    page.goto(f"{url}/")
    _choose_language(page, language)
    check.arrived("login")
    _log_in(page, *DAVE)
    check.arrived("home")
    page.locator("main a", has_text=JAPANESE_TICKET).first.click()
    expect(page.locator("h1 .ticket-title")).to_have_text(JAPANESE_TICKET)
    check.arrived("ticket")
    flipped = back_arrow_transform(page) == "matrix(-1, 0, 0, 1, 0, 0)"
    assert flipped == (language == "fa"), "the back arrow must point to the start of the line"
    page.goto(f"{url}/invoices")
    page.locator("tr", has_text=RUSSIAN_INVOICE).locator("a").first.click()
    expect(page.locator("h1 .record-number")).to_have_text(RUSSIAN_INVOICE)
    check.arrived("invoice")
    assert check.problems == []
    assert tab.watch.problems() == []


def test_the_choice_outlives_the_session(tab: Tab, portal: tuple) -> None:
    """A new browser session (the session cookie gone) still shows the language picked before."""
    url, _allowed = portal
    page = tab.page
    page.goto(f"{url}/")
    _choose_language(page, "fa")
    kept = [cookie for cookie in page.context.cookies() if cookie["name"] == "lang"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.goto(f"{url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_the_english_check_finds_english(tab: Tab, portal: tuple) -> None:
    """The untranslated-text check can fail: an English login page read as if it were Persian."""
    url, allowed = portal
    tab.page.goto(f"{url}/?lang=en")
    facts = page_facts(tab.page, "fa", allowed)
    assert "h1.: Log in to the customer portal" in facts.untranslated
    assert "label.: E-mail address" in facts.untranslated
    # the default name is the portal's own text (an operator's [branding] name is data-operator)
    assert any("Customer Portal" in text for text in facts.untranslated)
