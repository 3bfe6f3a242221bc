"""Download names and types: whatever the CRM stores, the browser gets a safe name and type."""

from __future__ import annotations

import pytest
from flask import Flask

from portalclient.crm.models import FileContent
from portalclient.pages.files import download_response, safe_content_type, safe_filename


@pytest.mark.parametrize("name, safe", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\evil.exe", "evil.exe"),
    ('a"b<c>.txt', "a_b_c_.txt"),
    ("line\r\nbreak.txt", "line_break.txt"),
    ("...", "file"),
    ("", "file"),
    ("Bestellübersicht März.pdf", "Bestellübersicht März.pdf"),
])
def test_safe_filename_keeps_only_a_harmless_basename(name, safe):
    assert safe_filename(name) == safe


def test_long_names_are_cut_but_keep_their_extension():
    name = safe_filename("x" * 300 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


@pytest.mark.parametrize("claimed, name, sent", [
    ("application/pdf", "a.pdf", "application/pdf"),
    ("text/html", "a.html", "application/octet-stream"),
    ("image/svg+xml", "logo.svg", "application/octet-stream"),
    ("nonsense", "notes.txt", "text/plain"),
    ("", "photo.JPG", "image/jpeg"),
    ("text/plain; charset=utf-8", "a.txt", "text/plain"),
])
def test_only_allow_listed_types_reach_the_browser(claimed, name, sent):
    assert safe_content_type(claimed, name) == sent


def test_downloads_are_attachments_with_an_encoded_name_and_no_caching():
    app = Flask(__name__)
    with app.test_request_context("/"):
        response = download_response(FileContent("Über\"uns.html", "text/html", b"<script>"))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C3%9Cber_uns.html" in disposition
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_pdf_may_be_shown_inline_when_asked():
    app = Flask(__name__)
    with app.test_request_context("/"):
        response = download_response(FileContent("INV1.pdf", "application/pdf", b"%PDF-1.4"),
                                     inline=True)
    assert response.headers["Content-Disposition"].startswith("inline;")
