"""Browser fixtures: the stub CRM and the portal on real ports, and Debian's Chromium at two sizes.

The servers and the browser live for the whole session (starting them is the slow part); every
test gets a fresh browser context, so cookies never leak from one test into the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import crm_stub
from portalclient import create_app
from tests.browser.chromium import launch_chromium
from tests.browser.shots import Screenshots
from tests.browser.watch import PageWatch
from tests.servers import serve_wsgi

#: Window sizes every journey runs at: a laptop, and a small phone held upright.
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}

#: How long one browser action may wait for the page (ms): the pages are local and fast.
ACTION_TIMEOUT_MS = 10_000


@dataclass
class Servers:
    """The running stub CRM and portal: where the browser goes, and the CRM's store to check."""

    portal_url: str
    crm_url: str
    store: Any

    def url(self, path: str) -> str:
        return f"{self.portal_url}{path}"


def _portal_overrides(crm_url: str, tmp: Path) -> dict[str, Any]:
    """A complete portal configuration (no config file is read), English by default."""
    return {
        "Server_Path": crm_url,
        "Authenticate_Path": "http://127.0.0.1/",
        "upload_dir": str(tmp / "uploads"),
        "languages": ["en", "de", "fa"],
        "default_language": "en",
        "crm": {"timeout_seconds": 5},
        "security": {"secret_key": "browser-test-secret"},
    }


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The stub CRM (with its demo data) and a portal talking to it, for the whole session."""
    tmp = tmp_path_factory.mktemp("browser")
    crm_app = crm_stub.create_app(tmp / "crm")
    with serve_wsgi(crm_app) as crm_url:
        crm_app.extensions["crm_stub"].base_url = crm_url
        portal_app = create_app(overrides=_portal_overrides(crm_url, tmp))
        with serve_wsgi(portal_app) as portal_url:
            yield Servers(portal_url, crm_url, crm_app.extensions["crm_stub"].store)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, started once."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """The window size name (each browser test runs once per size)."""
    return request.param


@dataclass
class Tab:
    """One browser tab at one size, with what it reported and its screenshots."""

    page: Page
    size: str
    watch: PageWatch
    shots: Screenshots

    @property
    def is_phone(self) -> bool:
        return self.size == "phone"


def _test_name(request: pytest.FixtureRequest) -> str:
    """The test function's name without parameters, safe as part of a file name."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", request.node.originalname)


@pytest.fixture
def tab(chromium: Browser, size: str, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A fresh browser context (no cookies) at ``size``, English, watched for page problems."""
    context = chromium.new_context(locale="en-GB", accept_downloads=True, **SIZES[size])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    watch = PageWatch()
    watch.attach(context, page)
    try:
        yield Tab(page, size, watch, Screenshots(page, _test_name(request), size))
    finally:
        context.close()
