"""Numbered full-page screenshots: tests/browser/screenshots/<test>-<size>-<step>.png."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"


@dataclass
class Screenshots:
    """Saves what the customer sees after each step, for a person to look at later."""

    page: Page
    test_name: str
    size: str
    count: int = 0

    def clear_old(self) -> None:
        """Remove this test's screenshots at this size from an earlier run."""
        for old in SCREENSHOT_DIR.glob(f"{self.test_name}-{self.size}-*.png"):
            old.unlink()

    def take(self, step: str) -> Path:
        """Save a full-page screenshot named after the test, the window size and ``step``."""
        self.count += 1
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        path = SCREENSHOT_DIR / f"{self.test_name}-{self.size}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
