"""The journey's own checks catch what they claim to: CSP violations, console errors, overflow."""

from __future__ import annotations

from typing import Callable

import pytest

from tests.browser import journey
from tests.browser.harness import Servers, Tab

pytestmark = pytest.mark.browser

#: An image from a plain-http foreign host: the portal's CSP allows only 'self', data: and https:.
_FOREIGN_IMAGE = ("() => { const img = document.createElement('img');"
                  " img.src = 'http://foreign.invalid/pixel.png'; document.body.append(img); }")

_WIDE_BLOCK = ("() => { const div = document.createElement('div');"
               " div.style.width = '900px'; div.style.height = '10px';"
               " document.body.append(div); }")


def _wait_until(tab: Tab, condition: Callable[[], object], seconds: float = 5.0) -> None:
    """Let the browser deliver its events until ``condition()`` holds (or give up)."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        tab.page.wait_for_timeout(50)


@pytest.mark.parametrize("size", ["desktop"])
def test_csp_violation_is_reported(tab: Tab, servers: Servers) -> None:
    tab.page.goto(servers.url("/login"))
    tab.page.evaluate(_FOREIGN_IMAGE)
    _wait_until(tab, lambda: tab.watch.csp_violations)
    assert len(tab.watch.csp_violations) == 1
    assert tab.watch.csp_violations[0].startswith("img-src blocked http://foreign.invalid/")
    assert any("foreign.invalid" in text for text in tab.watch.console_errors)


@pytest.mark.parametrize("size", ["desktop"])
def test_script_error_is_reported(tab: Tab, servers: Servers) -> None:
    tab.page.goto(servers.url("/login"))
    tab.page.evaluate("() => { setTimeout(() => { throw new Error('boom in page'); }); }")
    _wait_until(tab, lambda: tab.watch.page_errors)
    assert tab.watch.page_errors == ["boom in page"]
    assert tab.watch.problems() == ["script error: boom in page"]


@pytest.mark.parametrize("size", ["phone"])
def test_overflow_on_phone_fails_the_step(tab: Tab, servers: Servers) -> None:
    tab.page.goto(servers.url("/login"))
    journey.arrived(tab, "fits")
    tab.page.evaluate(_WIDE_BLOCK)
    with pytest.raises(AssertionError, match=r"/login is \d+px wider than the phone screen"):
        journey.arrived(tab, "too-wide")
