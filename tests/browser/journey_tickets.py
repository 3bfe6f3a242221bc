"""Ticket steps of the journey: open one, comment, attach a file, raise a new one."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.harness import Tab
from tests.browser.journey import arrived, detail_field, open_menu


def open_ticket_from_home(tab: Tab, number: str, title: str) -> None:
    """Follow the ticket's title on home; its page shows number and title."""
    page = tab.page
    page.locator("#open-tickets").get_by_role("link", name=title).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading.locator(".ticket-number")).to_have_text(number)
    expect(heading.locator(".ticket-title")).to_have_text(title)
    arrived(tab, "ticket")


def add_comment(tab: Tab, text: str) -> None:
    """Write a comment on the open ticket; it is confirmed and shown in the thread once."""
    page = tab.page
    page.get_by_label("Add a comment").fill(text)
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment has been added.")
    thread = page.locator("#comments .comment-thread")
    expect(thread.locator(".comment-text").filter(has_text=text)).to_have_count(1)
    expect(thread.locator(".comment-text").filter(has_text=text)).to_be_visible()
    arrived(tab, "commented")


def attach_file(tab: Tab, path: Path) -> None:
    """Choose a file in the ticket's file input and upload it; it is listed afterwards."""
    page = tab.page
    page.get_by_label("Attach files").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("1 file sent.")
    expect(page.locator("#attachments .attachment-list")
           .get_by_role("link", name=path.name)).to_be_visible()
    arrived(tab, "attached")


def create_ticket(tab: Tab, title: str, description: str, priority: str) -> None:
    """From the ticket list raise a new ticket; its page shows what was typed and chosen."""
    page = tab.page
    open_menu(tab, "Tickets")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets")
    arrived(tab, "tickets")
    page.get_by_role("link", name="New ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New ticket")
    arrived(tab, "new-ticket")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Priority").select_option(priority)
    page.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_role("status")).to_contain_text("Your ticket has been created.")
    expect(page.get_by_role("heading", level=1).locator(".ticket-title")).to_have_text(title)
    expect(detail_field(tab, "Priority")).to_have_text(priority)
    expect(detail_field(tab, "Description")).to_have_text(description)
    arrived(tab, "ticket-created")
