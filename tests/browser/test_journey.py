"""The customer journey in real Chromium, at desktop and phone size, step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import journey, journey_reading, journey_tickets
from tests.browser.harness import Servers, Tab

pytestmark = pytest.mark.browser


def _upload_file(tmp_path: Path, size: str) -> Path:
    """A small text file to attach, named after the window size so each run's is its own."""
    path = tmp_path / f"journey-{size}-log.txt"
    path.write_text(f"Widget Pro log from the {size} run\nLED: blinking red\n", encoding="utf-8")
    return path


def test_customer_journey(tab: Tab, servers: Servers, tmp_path: Path) -> None:
    """A customer's visit from login to logout; every page clean and within a phone's width."""
    journey.log_in(tab, servers, *journey.ALICE)
    journey.see_home_with_ticket(tab, "TT1", "Widget Pro does not start")
    journey_tickets.open_ticket_from_home(tab, "TT1", "Widget Pro does not start")
    journey_tickets.add_comment(tab, f"Still dark after the reset ({tab.size}).")
    journey_tickets.attach_file(tab, _upload_file(tmp_path, tab.size))
    new_title = f"Sensor reports 0 °C ({tab.size})"
    journey_tickets.create_ticket(tab, new_title, "Since this morning.\nAll sites.", "Urgent")
    journey_reading.read_faq_article(tab, "How do I reset my Widget Pro?",
                                     "Hold the reset button for 10 seconds")
    journey_reading.open_invoice(tab, "INV1", "Invoice Widget order 2026")
    assert journey_reading.download_invoice_pdf(tab).startswith(b"%PDF-")
    journey.log_out(tab)
    assert tab.watch.problems() == []
