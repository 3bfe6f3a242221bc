"""Reading steps of the journey: an FAQ article, an invoice and its PDF."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import Tab
from tests.browser.journey import arrived, open_menu


def read_faq_article(tab: Tab, question: str, answer: str) -> None:
    """Open the FAQ from the menu, then one article: its question and answer are shown."""
    page = tab.page
    open_menu(tab, "FAQ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frequently asked questions")
    arrived(tab, "faq")
    page.locator("#articles").get_by_role("link", name=question).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    expect(page.locator(".faq-answer")).to_contain_text(answer)
    expect(page.locator(".faq-answer")).to_be_visible()
    arrived(tab, "faq-article")


def open_invoice(tab: Tab, number: str, subject: str) -> None:
    """Open the invoices from the menu, then the row of ``number`` by its linked subject."""
    page = tab.page
    open_menu(tab, "Invoices")
    arrived(tab, "invoices")
    row = page.locator("#invoices tbody tr", has_text=number)
    row.get_by_role("link", name=subject).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading.locator(".record-number")).to_have_text(number)
    expect(heading).to_contain_text(subject)
    arrived(tab, "invoice")


def download_invoice_pdf(tab: Tab) -> bytes:
    """Download the invoice's PDF with the button; returns the file's bytes."""
    page = tab.page
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download PDF").click()
    download = waiting.value
    assert download.failure() is None
    data = download.path().read_bytes()
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    return data
