"""Browser fixtures: the stub CRM and the portal on real ports, and Debian's Chromium at two sizes.

The servers and the browser live for the whole session (starting them is the slow part); every
test gets a fresh browser context, so cookies never leak from one test into the next.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

import crm_stub
from portalclient import create_app
from tests.browser.chromium import launch_chromium
from tests.browser.harness import SIZES, Servers, Tab, portal_overrides
from tests.browser.shots import Screenshots
from tests.browser.watch import PageWatch
from tests.servers import serve_wsgi

#: How long one browser action may wait for the page (ms): the pages are local and fast.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The stub CRM (with its demo data) and a portal talking to it, for the whole session."""
    tmp = tmp_path_factory.mktemp("browser")
    crm_app = crm_stub.create_app(tmp / "crm")
    with serve_wsgi(crm_app) as crm_url:
        crm_app.extensions["crm_stub"].base_url = crm_url
        portal_app = create_app(overrides=portal_overrides(crm_url, tmp))
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
    shots = Screenshots(page, _test_name(request), size)
    shots.clear_old()
    try:
        yield Tab(page, size, watch, shots)
    finally:
        context.close()
