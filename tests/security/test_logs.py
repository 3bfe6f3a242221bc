"""Logs never contain passwords, CRM session ids or session cookies: a whole customer visit
with every logger at DEBUG, the redaction rules, and the envelope-dumping libraries kept quiet."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest
import requests

from portalclient.logs import MASK, NOISY_LOGGERS, RedactSecrets, install_log_redaction, redact
from tests.integration.conftest import csrf_token_of, login

NEW_PASSWORD = "N3w-secret & long"


class Everything(logging.Handler):
    """Keeps every record of every logger, with its traceback, as the text a log would show."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


@pytest.fixture
def all_records() -> Iterator[Everything]:
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def visit(portal_url: str, ticket_id: int) -> list[str]:
    """Login, a ticket, a password change, logout; returns the session cookies seen."""
    cookies = []
    with requests.Session() as browser:
        login(browser, portal_url, "alice@acme.example", "alice123")
        cookies.append(browser.cookies["portal_session"])
        assert browser.get(f"{portal_url}/tickets/{ticket_id}").status_code == 200
        token = csrf_token_of(browser.get(f"{portal_url}/settings/password"))
        changed = browser.post(f"{portal_url}/settings/password", data={
            "csrf_token": token, "old_password": "alice123", "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD})
        assert changed.status_code == 200
        cookies.append(browser.cookies["portal_session"])
        browser.post(f"{portal_url}/logout", data={"csrf_token": token})
    return cookies


def test_a_whole_visit_at_debug_logs_no_secret(stub_crm, portal_url, all_records):
    ticket = int(stub_crm.store.scalar("SELECT id FROM tickets WHERE title = "
                                       "'Widget Pro does not start'"))
    cookies = visit(portal_url, ticket)
    session_id = stub_crm.store.scalar("SELECT session_id FROM sessions WHERE contact_id = 4")
    assert all_records.texts, "nothing was logged at all"
    secrets_ = ["alice123", NEW_PASSWORD, session_id, *cookies]
    leaks = [(secret, text) for text in all_records.texts for secret in secrets_
             if secret and secret in text]
    assert leaks == []
    assert any(text.startswith("portalclient.") for text in all_records.texts)


def test_libraries_that_dump_envelopes_stay_quiet_by_default(all_records):
    install_log_redaction()
    for name in NOISY_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING
    logging.getLogger("zeep.transports").debug("HTTP Post to %s:\n%s", "http://crm",
                                               "<password>alice123</password>")
    assert not [text for text in all_records.texts if text.startswith("zeep")]


def test_an_operator_enabling_zeep_debug_still_gets_redacted_envelopes(all_records):
    install_log_redaction()
    zeep = logging.getLogger("zeep")
    try:
        zeep.setLevel(logging.DEBUG)
        logging.getLogger("zeep.transports").debug(
            "HTTP Post to %s:\n%s", "http://crm/vtigerservice.php",
            '<authenticate_user><user_name xsi:type="xsd:string">alice@acme.example</user_name>'
            '<password xsi:type="xsd:string">alice123</password>'
            '<version xsi:type="xsd:string">6.0.0</version></authenticate_user>')
    finally:
        zeep.setLevel(logging.WARNING)
    logged = [text for text in all_records.texts if text.startswith("zeep.transports")]
    assert len(logged) == 1
    assert "alice123" not in logged[0]
    assert f'<password xsi:type="xsd:string">{MASK}</password>' in logged[0]
    assert "alice@acme.example" in logged[0]


def test_tracebacks_are_redacted_too(all_records):
    install_log_redaction()
    try:
        raise ValueError("bad answer for sessionid=Zq8TxW3kLm0P")
    except ValueError:
        logging.getLogger("portalclient.test").exception("CRM call failed")
    assert "Zq8TxW3kLm0P" not in all_records.texts[-1]
    assert f"sessionid={MASK}" in all_records.texts[-1]


@pytest.mark.parametrize(("text", "expected"), [
    ("password=alice123 next", f"password={MASK} next"),
    ("{'password': 'alice123', 'user': 'x'}", f"{{'password': '{MASK}', 'user': 'x'}}"),
    ('{"old_password": "a b c", "new_password":"zz"}',
     f'{{"old_password": "{MASK}", "new_password":"{MASK}"}}'),
    ("user_password: hunter2", f"user_password: {MASK}"),
    ("{'id': '4', 'sessionid': '5f3a8c'}", f"{{'id': '4', 'sessionid': '{MASK}'}}"),
    ('<sessionid xsi:type="xsd:string">5f3a8c</sessionid>',
     f'<sessionid xsi:type="xsd:string">{MASK}</sessionid>'),
    ("Cookie: portal_session=eyJ.abc.def; lang=de", f"Cookie: {MASK}"),
    ("{'Cookie': 'portal_session=eyJ.a', 'Host': 'x'}", f"{{'Cookie': '{MASK}', 'Host': 'x'}}"),
    ("Set-Cookie: portal_session=eyJ.abc; HttpOnly", f"Set-Cookie: {MASK}"),
    ("Authorization: Basic Ym9iOnNlY3JldA==", f"Authorization: {MASK}"),
    ("via http://bob:s3cret@proxy:3128", f"via http://bob:{MASK}@proxy:3128"),
])
def test_secrets_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "CRM session ended; asking the customer to log in again",
    "password changed for contact 4",
    "login refused by the CRM (INVALID_USERNAME_OR_PASSWORD)",
    "POST /settings/password -> 302",
    "get_tickets_list answered list",
])
def test_ordinary_messages_are_left_alone(text):
    assert redact(text) == text


def test_the_filter_redacts_records_of_a_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent %s", ("password=abc",), None)
    assert RedactSecrets().filter(record) is True
    assert record.getMessage() == f"sent password={MASK}"
