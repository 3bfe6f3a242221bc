"""What the browser tests work with: window sizes, the running servers, one watched tab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.shots import Screenshots
from tests.browser.watch import PageWatch

#: Window sizes every journey runs at: a laptop, and a small phone held upright.
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


@dataclass
class Servers:
    """The running stub CRM and portal: where the browser goes, and the CRM's store to check."""

    portal_url: str
    crm_url: str
    store: Any

    def url(self, path: str) -> str:
        return f"{self.portal_url}{path}"


def portal_overrides(crm_url: str, tmp: Path) -> dict[str, Any]:
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
