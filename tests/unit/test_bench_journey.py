"""bench.journey and bench.provision: login form token, record ids from links, login files."""

from __future__ import annotations

import pytest

from bench.journey import JOURNEY, LoginFailed, csrf_token_of, first_record_id, journey_paths
from bench.provision import Login, parse_logins

BASE = "http://127.0.0.1:8080/tickets?scope=all"


def test_csrf_token_from_the_login_form():
    html = ('<html><body><form method="post"><input type="hidden" name="csrf_token" '
            'value="tok-123"><input name="email"></form></body></html>')
    assert csrf_token_of(html) == "tok-123"
    with pytest.raises(LoginFailed):
        csrf_token_of("<html><body><form></form></body></html>")


def test_first_record_id_takes_the_first_detail_link_only():
    html = ('<html><body><a href="/tickets?scope=mine">Mine</a><a href="/tickets/new">New</a>'
            '<a href="/faq/20">FAQ</a><a href="/x/tickets/99">other</a>'
            '<a href="/tickets/12">TT1</a><a href="http://127.0.0.1:8080/tickets/13/">TT2</a>'
            '</body></html>')
    assert first_record_id(html, BASE, "/tickets") == "12"
    assert first_record_id(html, BASE, "/faq") == "20"
    assert first_record_id(html, BASE, "/invoices") is None


def test_first_record_id_resolves_relative_links():
    html = '<html><body><a href="tickets/15">TT3</a></body></html>'
    assert first_record_id(html, "http://127.0.0.1:8080/", "/tickets") == "15"


def test_journey_paths_fill_in_the_ids():
    paths = journey_paths({"ticket": "12", "faq": "20", "invoice": "31", "project": "45"})
    assert len(paths) == len(JOURNEY) == 10
    assert dict(paths) == {
        "ticket list": "/tickets?scope=all", "ticket detail": "/tickets/12",
        "FAQ list": "/faq", "FAQ detail": "/faq/20", "invoice list": "/invoices?scope=all",
        "invoice detail": "/invoices/31", "documents": "/documents?scope=all",
        "products": "/products?scope=all", "project detail": "/projects/45",
        "my settings": "/settings"}


def test_login_file_lines():
    text = "# demo users\nalice@acme.example alice123\n\n  bob@acme.example  two words \n"
    assert parse_logins(text) == [Login("alice@acme.example", "alice123"),
                                  Login("bob@acme.example", "two words")]


def test_login_line_without_password_is_refused():
    with pytest.raises(ValueError, match="line 2"):
        parse_logins("a@b.example pw\nc@d.example\n")
