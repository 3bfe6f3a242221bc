"""Reading fault pages and re-sending forms the way a browser would."""

from __future__ import annotations

from typing import Any

import requests

from tests.faults.proxy import FaultProxy
from tests.integration.conftest import Customer, page

#: The portal's CRM timeout in these tests (s); a "slow" CRM answers after SLOW seconds.
TIMEOUT = 1.0
SLOW = 2.5
FILES_NOT_KEPT = "Files you chose cannot be kept by the browser: please choose them again."
FORM_KEPT = ("The support system did not answer; nothing you wrote is lost. "
             "Send it again when you are ready.")
ALREADY_SENT = "This was already sent, so it was not sent again."
FOUND_SENT = ("What you sent had reached the support system before the answer was lost, so it "
              "was not sent a second time.")
UNREACHABLE = ("The support system is not reachable right now. Please try again in a few "
               "minutes.")
SLOW_ANSWER = "The support system did not answer in time. Please try again in a few minutes."
UNUSABLE = ("The support system gave an answer we could not use. Please try again in a few "
            "minutes.")
#: The customer's view of a failing page view, per fault: always 503 (try again later), with
#: an explanation of what went wrong.
PAGE_FAULTS = {"down": UNREACHABLE, "drop": UNREACHABLE, "truncate": UNREACHABLE,
               "delay": SLOW_ANSWER, "http500": UNUSABLE, "empty200": UNUSABLE,
               "garbage": UNUSABLE, "half_xml": UNUSABLE}


def break_crm(proxy: FaultProxy, fault: str, **options: Any) -> None:
    """Make the CRM fail in the way ``fault`` names ('down' stops the proxy listening)."""
    if fault == "down":
        proxy.stop()
    else:
        proxy.fail(fault, seconds=SLOW if fault == "delay" else 0.0, **options)


def heal_crm(proxy: FaultProxy) -> None:
    """The CRM answers normally again (a stopped proxy listens again on the same port)."""
    if not proxy.is_running:
        proxy.start()
    proxy.pass_through()


def error_message(response: requests.Response) -> str:
    """The explanation on an error page, or a form's error box."""
    doc = page(response)
    texts = doc.xpath("//p[contains(@class,'error-message')] | //main//*[@role='alert']")
    return " ".join(texts[0].text_content().split()) if texts else ""


def form_of(response: requests.Response, xpath: str):
    """The one form of the page matching ``xpath``."""
    forms = page(response).xpath(xpath)
    assert len(forms) == 1, f"{len(forms)} forms match {xpath}"
    return forms[0]


def form_values(form) -> dict[str, str]:
    """What a browser would send for ``form`` (text inputs, hidden inputs, areas, selects)."""
    values: dict[str, str] = {}
    for field in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        if field.tag == "input" and field.get("type") == "file":
            continue
        if field.tag == "select":
            chosen = field.xpath("option[@selected]/@value")
            values[field.get("name")] = chosen[0] if chosen else ""
        elif field.tag == "textarea":
            values[field.get("name")] = field.text or ""
        else:
            values[field.get("name")] = field.get("value", "")
    return values


def send_again(customer: Customer, response: requests.Response, xpath: str,
               **kwargs: Any) -> requests.Response:
    """Click the send button of the form shown in ``response`` (the one-click retry)."""
    form = form_of(response, xpath)
    return customer.browser.post(f"{customer.portal_url}{form.get('action')}",
                                 data=form_values(form), **kwargs)


def open_and_send(customer: Customer, path: str, xpath: str, typed: dict[str, str],
                  **kwargs: Any) -> requests.Response:
    """Open the page at ``path``, type ``typed`` into its form ``xpath`` and send it."""
    form = form_of(customer.get(path), xpath)
    return customer.browser.post(f"{customer.portal_url}{form.get('action')}",
                                 data={**form_values(form), **typed}, **kwargs)
