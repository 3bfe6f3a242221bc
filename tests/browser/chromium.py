"""Start Debian's Chromium under Playwright, never a browser Playwright downloads itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")

#: Headless and quiet: no GPU, no sandbox (CI runs as root), and no background traffic, which
#: the closed network here refuses. Playwright gives every launch a fresh, empty profile
#: (its own --user-data-dir in a temporary directory).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

MISSING_CHROMIUM = (f"Chromium is not installed at {CHROMIUM}. The browser tests need Debian's "
                    "`chromium` package: run `bash tests/run.sh`, which installs it, or "
                    "`apt-get install chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core`.")


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch /usr/bin/chromium headless; fail (never skip) when it is missing."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=list(CHROMIUM_FLAGS))
