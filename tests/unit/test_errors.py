"""Error pages: translated, with the right status, never a stack trace."""

from __future__ import annotations

import pytest

from portalclient import create_app
from portalclient.crm.errors import (CrmTimeout, MalformedResponse, ModuleInactive, NotAuthorized,
                                     SoapFault)


@pytest.fixture
def app(tmp_path):
    app = create_app(overrides={
        "Server_Path": "http://127.0.0.1:9", "Authenticate_Path": "http://portal.test/",
        "upload_dir": str(tmp_path), "languages": ["en", "de"],
        "security": {"secret_key": "unit-test-secret"}})
    failures = {"bug": RuntimeError("secret internals"),
                "timeout": CrmTimeout("slow", operation="get_tickets_list"),
                "garbage": MalformedResponse("html", operation="get_details"),
                "fault": SoapFault("no such op", faultcode="SOAP-ENV:Client"),
                "forbidden": NotAuthorized("x", operation="get_details"),
                "inactive": ModuleInactive("x", operation="get_list_values")}

    @app.route("/fail/<kind>")
    def fail(kind):
        raise failures[kind]

    return app


@pytest.mark.parametrize(("kind", "status", "heading"), [
    ("bug", 500, "Etwas ist schiefgelaufen"),
    ("timeout", 503, "Support-System nicht erreichbar"),
    ("garbage", 503, "Support-System nicht erreichbar"),
    ("fault", 502, "Fehler im Support-System"),
    ("forbidden", 403, "Nicht erlaubt"),
    ("inactive", 404, "Seite nicht gefunden"),
])
def test_failures_become_translated_pages(app, kind, status, heading):
    response = app.test_client().get(f"/fail/{kind}", headers={"Accept-Language": "de"})
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.text
    assert "Traceback" not in response.text and "secret internals" not in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_unknown_page_and_wrong_method(app):
    client = app.test_client()
    missing = client.get("/nothing-here", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert "<h1>Page not found</h1>" in missing.text
    wrong = client.get("/logout", headers={"Accept-Language": "en"})
    assert wrong.status_code == 405
    assert "This page cannot be used like that." in wrong.text


def test_branding_css_carries_the_configured_colours(app):
    response = app.test_client().get("/branding.css")
    assert response.mimetype == "text/css"
    assert "--brand-primary: #1f5fa8;" in response.text
