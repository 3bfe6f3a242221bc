"""Steps of the customer journey, each asserting what the customer sees once it is done."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from tests.browser.harness import Servers, Tab

ALICE = ("alice@acme.example", "alice123")

#: Reads how far the page reaches beyond the window sideways (0 when nothing sticks out).
_OVERFLOW_JS = ("() => document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth")


def arrived(tab: Tab, step: str) -> None:
    """The page is loaded: it fits a phone's width, and a screenshot keeps how it looked."""
    tab.page.wait_for_load_state("load")
    if tab.is_phone:
        overflow = tab.page.evaluate(_OVERFLOW_JS)
        assert overflow <= 1, f"{tab.page.url} is {overflow}px wider than the phone screen"
    tab.shots.take(step)


def detail_field(tab: Tab, label: str) -> Locator:
    """The value of the detail field labelled exactly ``label`` (from the CRM's blocks)."""
    label_cell = tab.page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return tab.page.locator(".detail-block .field", has=label_cell).locator("dd")


def open_menu(tab: Tab, label: str) -> None:
    """Follow an entry of the module menu."""
    tab.page.get_by_role("navigation", name="Modules").get_by_role("link", name=label,
                                                                   exact=True).click()


def log_in(tab: Tab, servers: Servers, email: str, password: str) -> None:
    """Open the portal, which asks for a login, and log in with e-mail and password."""
    page = tab.page
    page.goto(servers.url("/"))
    expect(page.get_by_role("heading", name="Log in to the customer portal")).to_be_visible()
    arrived(tab, "login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def see_home_with_ticket(tab: Tab, number: str, title: str) -> None:
    """Home greets the customer and lists ``number`` with its title among the open tickets."""
    page = tab.page
    expect(page.get_by_role("heading", name="Welcome, Alice Anderson")).to_be_visible()
    row = page.locator("#open-tickets tr[data-ticket]", has_text=number).first
    expect(row).to_be_visible()
    expect(row).to_contain_text(title)
    arrived(tab, "home")


def log_out(tab: Tab) -> None:
    """Log out from the header; the login page comes back and says so."""
    page = tab.page
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to the customer portal")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You have been logged out.")
    arrived(tab, "logged-out")
