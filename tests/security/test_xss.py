"""XSS through CRM data: every text the stub serves carries script, handler, URL and template
payloads; every page alice can reach must show them as text and never as markup."""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import unquote

import pytest
import requests

import crm_stub
from portalclient import create_app
from tests.integration.conftest import StubCrm, log_in_as, page, portal_overrides
from tests.security.attack_helpers import (VECTOR, crawl, marker, markup_problems,
                                           poison_store, visible_text)
from tests.servers import serve_wsgi

RICH_FAQ = 20
START_PAGES = ("/", "/tickets", "/tickets?scope=all", "/tickets/new", "/faq", "/documents",
               "/documents/upload", "/invoices", "/quotes", "/products", "/services", "/assets",
               "/service-contracts", "/projects", "/company", "/contacts", "/settings",
               "/settings/password")
#: Columns the pages must show (marker + payload as visible text somewhere).
SHOWN = [("tickets", "title"), ("tickets", "description"), ("tickets", "solution"),
         ("tickets", "ticket_no"), ("tickets", "priority"), ("tickets", "severity"),
         ("tickets", "category"), ("ticket_comments", "content"), ("faqs", "question"),
         ("faq_comments", "comment"), ("invoices", "subject"), ("invoices", "bill_street"),
         ("invoices", "terms"), ("quotes", "subject"), ("quotes", "carrier"),
         ("products", "name"), ("products", "description"),
         ("services", "name"), ("assets", "name"), ("assets", "serial_no"),
         ("service_contracts", "subject"), ("projects", "name"), ("projects", "description"),
         ("project_tasks", "name"), ("project_milestones", "name"), ("documents", "title"),
         ("documents", "note"), ("contacts", "lastname"), ("contacts", "firstname"),
         ("contacts", "department"), ("accounts", "name"), ("accounts", "city"),
         ("portal_fields", "label"), ("portal_fields", "block"), ("users", "last_name")]


#: The safe ways a payload may reach the reader: as typed; with the CRM-style anchor reduced to
#: its text (raw get_details values, PROTOCOL 2.5); without any tags (values the CRM sends
#: raw where tags cannot be told from text: labels, block names, project tasks, milestones).
AS_TYPED = VECTOR
ANCHOR_AS_TEXT = VECTOR.replace('<a href="javascript:alert(4)">j</a>', "j")
TAGS_DROPPED = re.sub(r"<script>.*?</script>|<[^>]*>", "", VECTOR)
#: A FAQ answer (rich text, shown through the allow-list) with every way out of it.
RICH_ANSWER = (
    '<p>XSS-rich <b>bold</b></p><style>body{display:none}</style>'
    '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object>'
    '<a href="https://good.example/">good</a> <a href="mailto:help@acme.example">mail</a>'
    '<a href="ftp://evil.example/">ftp</a><a href="//evil.example/">rel</a>'
    '<a href="java&#x09;script:alert(1)">tab</a><a href="JAVASCRIPT:alert(1)">upper</a>'
    '<img src="http://insecure.example/x.png"><img src="https://cdn.example/ok.png" onerror="alert(1)">'
    '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"><div style="x:expression(alert(1))">s</div>'
    '<form action="https://evil.example/"><input name="password"></form>'
    '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>'
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'
    '<table><tr><td onclick="alert(1)">cell</td></tr></table>')
RAW_LABELS = {("portal_fields", "label"), ("portal_fields", "block"),
              ("project_tasks", "name"), ("project_milestones", "name")}


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Iterator[tuple[StubCrm, str]]:
    """A stub whose every text column holds the payloads, and a portal in front of it."""
    root = tmp_path_factory.mktemp("xss")
    app = crm_stub.create_app(root / "crm")
    with serve_wsgi(app) as crm_url:
        app.extensions["crm_stub"].base_url = crm_url
        stub = StubCrm(url=crm_url, store=app.extensions["crm_stub"].store)
        poison_store(stub.store)
        stub.store.execute("UPDATE faqs SET answer = ? WHERE id = ?", (RICH_ANSWER, RICH_FAQ))
        with serve_wsgi(create_app(overrides=portal_overrides(crm_url, root))) as portal:
            yield stub, portal


@pytest.fixture(scope="module")
def pages(poisoned) -> dict[str, requests.Response]:
    """Every page alice reaches from the menu, with the poisoned data in it."""
    stub, portal = poisoned
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        log_in_as(stub, browser, portal, "alice@acme.example")
        return crawl(browser, portal, START_PAGES)


def html_pages(pages: dict[str, requests.Response]) -> dict[str, requests.Response]:
    return {url: response for url, response in pages.items()
            if response.headers.get("Content-Type", "").startswith("text/html")}


def test_every_reached_page_answers_without_a_server_error(pages):
    failing = {url: response.status_code for url, response in pages.items()
               if response.status_code >= 500}
    assert failing == {}
    assert len(html_pages(pages)) > 30


def test_no_payload_becomes_markup_on_any_page(poisoned, pages):
    origin = poisoned[1]
    problems = {url: markup_problems(response.text, origin)
                for url, response in html_pages(pages).items()}
    assert {url: found for url, found in problems.items() if found} == {}


def test_every_shown_column_appears_as_escaped_text(pages):
    text = "\n".join(visible_text(response.text) for response in html_pages(pages).values())
    missing = [marker(*column) for column in SHOWN if marker(*column) not in text]
    assert missing == []
    assert VECTOR in text


@pytest.mark.parametrize("column", SHOWN, ids=lambda column: ".".join(column))
def test_the_payload_follows_its_marker_verbatim(pages, column):
    text = "\n".join(visible_text(response.text) for response in html_pages(pages).values())
    tag = marker(*column)
    chunks = [chunk for chunk in text.split(tag)[1:]]
    assert chunks, tag
    shown = {form for form in (AS_TYPED, ANCHOR_AS_TEXT, TAGS_DROPPED)
             if any(form in chunk[:len(form) + 12] for chunk in chunks)}
    if column in RAW_LABELS:
        assert shown == {TAGS_DROPPED}
    else:
        assert shown & {AS_TYPED, ANCHOR_AS_TEXT}, shown


def test_crm_text_is_not_evaluated_as_a_template(pages):
    text = "\n".join(visible_text(response.text) for response in html_pages(pages).values())
    assert "{{7*7}}${7*7}" in text
    assert "49$" not in text and "j49" not in text


def test_downloads_carry_crm_names_only_in_a_safe_content_disposition(pages):
    downloads = {url: response for url, response in pages.items()
                 if "Content-Disposition" in response.headers}
    assert len(downloads) >= 3  # the PDFs of the quote and invoice, the CSV export
    for url, response in downloads.items():
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;"), url
        names = re.findall(r'filename\*?=(?:UTF-8\'\')?"?([^";]*)', disposition)
        for name in map(unquote, names):
            assert not set(name) & set('<>"/\\\r\n\u202e'), (url, name)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"].split(";")[0] in (
            "application/pdf", "text/csv", "application/octet-stream", "text/plain")


def test_rich_faq_answer_keeps_only_the_allow_list(poisoned, pages):
    answer = page(pages[f"{poisoned[1]}/faq/{RICH_FAQ}"]).xpath(
        "//div[contains(@class, 'faq-answer')]")[0]
    tags = {element.tag for element in answer.iter() if isinstance(element.tag, str)}
    assert tags <= {"div", "p", "b", "a", "img", "table", "tbody", "tr", "td"}, tags
    links = [(a.get("href"), a.get("rel")) for a in answer.iter("a") if a.get("href")]
    assert links == [("https://good.example/", "noopener noreferrer nofollow"),
                     ("mailto:help@acme.example", "noopener noreferrer nofollow")]
    assert [img.get("src") for img in answer.iter("img") if img.get("src")] == [
        "https://cdn.example/ok.png"]
    attributes = {name for element in answer.iter() for name in element.attrib}
    assert attributes <= {"class", "href", "rel", "src"}, attributes
    assert "XSS-rich bold" in answer.text_content()
    assert "cell" in answer.text_content() and "alert" not in answer.text_content()


REFLECTING_PAGES = ["/tickets", "/faq", "/documents", "/invoices", "/products", "/login",
                    "/forgot-password", "/tickets/new", "/nowhere"]


@pytest.mark.parametrize("path", REFLECTING_PAGES)
def test_query_arguments_are_never_reflected_as_markup(poisoned, path):
    stub, portal = poisoned
    arguments = {name: VECTOR for name in ("q", "sort", "dir", "page", "scope", "next", "lang",
                                           "project", "ticket", "status")}
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = "en"
        if path not in ("/login", "/forgot-password"):
            log_in_as(stub, browser, portal, "alice@acme.example")
        response = browser.get(f"{portal}{path}", params=arguments)
    assert response.status_code < 500
    assert markup_problems(response.text, portal) == []
