"""The customer journey in real Chromium, at desktop and phone size, step by step."""

from __future__ import annotations

import pytest

from tests.browser import journey
from tests.browser.harness import Servers, Tab

pytestmark = pytest.mark.browser


def test_customer_journey(tab: Tab, servers: Servers) -> None:
    """Log in, see TT1 on home, log out: every page clean and within a phone's width."""
    journey.log_in(tab, servers, *journey.ALICE)
    journey.see_home_with_ticket(tab, "TT1", "Widget Pro does not start")
    journey.log_out(tab)
    assert tab.watch.problems() == []
