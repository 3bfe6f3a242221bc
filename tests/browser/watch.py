"""What a page reports while the customer uses it: console errors, script errors, CSP violations."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

#: Runs in every document before the page's own code (Playwright injects it, so the page's CSP
#: does not apply) and hands every CSP violation to the test.
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`);
});
"""



@dataclass
class PageWatch:
    """Collects the problems a page shows in the browser's developer tools."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext, page: Page) -> None:
        """Start listening on ``page`` (and every document loaded into ``context``)."""
        context.expose_function("reportCspViolation", self._on_csp_violation)
        context.add_init_script(_REPORT_CSP)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _on_csp_violation(self, description: str) -> None:
        self.csp_violations.append(description)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    def problems(self) -> list[str]:
        """Everything collected so far, one line each."""
        return ([f"console error: {text}" for text in self.console_errors]
                + [f"script error: {text}" for text in self.page_errors]
                + [f"CSP violation: {text}" for text in self.csp_violations])
