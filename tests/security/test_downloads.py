"""Hostile files from the CRM: whatever name, type and content a CRM user stored, the portal
offers it only as an attachment with a safe name and an allow-listed type, never as a page."""

from __future__ import annotations

import pytest
import requests
from werkzeug.http import parse_options_header

from tests.integration.conftest import page

MANUAL_DOC, MANUAL_FILE = 33, 34      # Acme's document, related to alice's company
TICKET, TICKET_FILE = 12, 37          # alice's ticket TT1 and its attachment
LINK_DOC = 35                         # a document stored as a link
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'

#: (name stored in the CRM, type the CRM claims, content, the name the customer must get)
HOSTILE = [
    ("x.html", "text/html", HTML, "x.html"),
    ("x.svg", "image/svg+xml", SVG, "x.svg"),
    ("x.xhtml", "application/xhtml+xml", HTML, "x.xhtml"),
    ('a"; filename=evil.exe', "text/plain", b"text", "a_; filename=evil.exe"),
    ("../../x", "text/html", HTML, "x"),
    ("..\\..\\boot.ini", "text/plain", b"text", "boot.ini"),
    ("report.pdf\r\nSet-Cookie: stolen=1", "application/pdf", b"%PDF-1.4", None),
    ("notes.txt", "text/html; charset=utf-7", HTML, "notes.txt"),
    ("picture.png", "image/png", SVG, "picture.png"),
    ("right\u202eLMTH.txt", "text/plain", HTML, "rightLMTH.txt"),
]
#: Types a browser could render or run: never sent for a CRM file.
ACTIVE_TYPES = {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
                "application/xml", "text/javascript", "application/javascript"}


def store_file(store, attachment_id: int, document_id: int, name: str, mime: str,
               content: bytes) -> None:
    """Replace a file in the stub CRM as a CRM user could (name, type and bytes)."""
    store.execute("UPDATE attachments SET name = ?, mime = ?, content = ? WHERE id = ?",
                  (name, mime, content, attachment_id))
    store.execute("UPDATE documents SET filename = ?, filetype = ?, filesize = ? WHERE id = ?",
                  (name, mime, len(content), document_id))


def assert_safe_download(response: requests.Response, content: bytes, expected: str | None):
    """An attachment with one clean file name, an inert type, nosniff and a sandbox CSP."""
    assert response.status_code == 200, response.status_code
    assert response.content == content
    disposition, params = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert set(params) <= {"filename", "filename*"}
    name = params["filename"]  # werkzeug decodes filename* into filename
    assert not set(name) & set('"/\\\r\n\x00\u202e'), name
    if expected is not None:
        assert name == expected
    assert "stolen" not in response.headers.get("Set-Cookie", "")
    content_type = response.headers["Content-Type"].split(";")[0].strip()
    assert content_type not in ACTIVE_TYPES
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].split(";")[0] == "sandbox"


@pytest.mark.parametrize("name, mime, content, expected", HOSTILE,
                         ids=[repr(case[0])[:24] for case in HOSTILE])
def test_document_downloads_are_inert_attachments(store, alice_r, name, mime, content,
                                                  expected):
    store_file(store, MANUAL_FILE, MANUAL_DOC, name, mime, content)
    response = alice_r.get(f"/documents/{MANUAL_DOC}/download")
    assert_safe_download(response, content, expected)


@pytest.mark.parametrize("name, mime, content, expected", HOSTILE,
                         ids=[repr(case[0])[:24] for case in HOSTILE])
def test_ticket_attachments_are_inert_attachments(store, alice_r, name, mime, content,
                                                  expected):
    store_file(store, TICKET_FILE, 36, name, mime, content)
    links = page(alice_r.get(f"/tickets/{TICKET}")).xpath(
        f"//a[contains(@href, '/tickets/{TICKET}/files/{TICKET_FILE}')]/@href")
    assert links, "the ticket page links the file"
    assert_safe_download(alice_r.get(links[0]), content, expected)


def test_a_file_the_ticket_does_not_list_is_not_served(store, alice_r):
    store_file(store, TICKET_FILE, 36, "x.html", "text/html", HTML)
    for name in ("other.html", "../x.html", ""):
        response = alice_r.get(f"/tickets/{TICKET}/files/{TICKET_FILE}", params={"name": name})
        assert response.status_code == 404
        assert HTML not in response.content


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "//evil.example/", "vbscript:x", "https:evil.example",
                                 " javascript:alert(1)", "java\nscript:alert(1)"])
def test_document_links_open_only_http_urls(store, alice_r, url):
    store.execute("UPDATE documents SET url = ?, filename = ? WHERE id = ?",
                           (url, url, LINK_DOC))
    response = alice_r.get(f"/documents/{LINK_DOC}/open", allow_redirects=False)
    assert response.status_code == 404
    assert "Location" not in response.headers
    detail = page(alice_r.get(f"/documents/{LINK_DOC}"))
    assert [href for href in detail.xpath("//a/@href")
            if "script" in href.lower() or href.startswith(("data:", "//"))] == []
