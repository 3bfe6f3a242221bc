"""Branding from PortalConfig without editing templates: name, logo, colours, extra stylesheet,
footer links; and the header language chooser for logged-in customers."""

from __future__ import annotations

import pytest

from portalclient.config import ConfigError, load_config
from tests.integration.conftest import log_in_as, page, portal_overrides

BRANDING = {
    "name": "Acme Support",
    "logo": "https://cdn.example/acme-logo.png",
    "primary_color": "#123456",
    "accent_color": "#fedcba",
    "extra_css": "/site-assets/acme.css",
    "footer_links": [{"label": "Terms", "url": "https://acme.example/terms"},
                     {"label": "Privacy", "url": "/privacy"},
                     {"label": "Imprint", "url": "https://acme.example/imprint"}],
}


@pytest.fixture
def branded_url(stub_crm, make_portal) -> str:
    return make_portal(stub_crm.url, branding=BRANDING)


def test_name_logo_and_footer_links_come_from_the_config(branded_url, browser):
    login_page = page(browser.get(f"{branded_url}/login"))
    assert login_page.xpath("//header//img[@class='logo']/@src") == [BRANDING["logo"]]
    assert login_page.xpath("string(//header//span[@class='portal-name'])") == "Acme Support"
    assert login_page.xpath("string(//title)").endswith("· Acme Support")
    assert [(a.text, a.get("href")) for a in login_page.xpath("//footer//ul//a")] == [
        ("Terms", "https://acme.example/terms"), ("Privacy", "/privacy"),
        ("Imprint", "https://acme.example/imprint")]


def test_colours_are_css_variables_in_branding_css(branded_url, browser):
    sheet = browser.get(f"{branded_url}/branding.css")
    assert sheet.status_code == 200
    assert sheet.headers["Content-Type"].startswith("text/css")
    assert "--brand-primary: #123456;" in sheet.text
    assert "--brand-accent: #fedcba;" in sheet.text


def test_extra_css_is_linked_after_the_branding_colours(branded_url, browser):
    sheets = page(browser.get(f"{branded_url}/login")).xpath("//link[@rel='stylesheet']/@href")
    assert sheets.index("/site-assets/acme.css") == sheets.index("/branding.css") + 1


def test_no_extra_stylesheet_unless_configured(portal_url, browser):
    sheets = page(browser.get(f"{portal_url}/login")).xpath("//link[@rel='stylesheet']/@href")
    assert sheets[:2] == ["/static/portal.css", "/branding.css"]
    assert not [href for href in sheets if "acme" in href]


@pytest.mark.parametrize("value", ["https://cdn.example/site.css", "/local/site.css", ""])
def test_extra_css_accepts_site_paths_and_https(tmp_path, value):
    config = load_config(overrides=portal_overrides("http://crm.test", tmp_path,
                                                    branding={"extra_css": value}))
    assert config.branding.extra_css == value


@pytest.mark.parametrize("value", ["http://cdn.example/site.css", "//cdn.example/site.css",
                                   "javascript:alert(1)", "site.css"])
def test_extra_css_refuses_other_urls_naming_the_key(tmp_path, value):
    with pytest.raises(ConfigError, match=r"^\[branding\] extra_css: must be"):
        load_config(overrides=portal_overrides("http://crm.test", tmp_path,
                                               branding={"extra_css": value}))


def test_header_offers_the_language_chooser_to_logged_in_customers(stub_crm, portal_url, browser):
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    header = page(alice.get("/", params={"scope": "all"})).xpath("//header")[0]
    [chooser] = header.xpath(".//form[contains(@class,'language-form')]")
    assert chooser.xpath("select/@aria-label") == ["Language"]
    assert chooser.xpath("input[@type='hidden']/@name") == ["scope"]
    german = alice.get("/", params={"scope": "all", "lang": "de"})
    assert page(german).xpath("/html/@lang") == ["de"]
    assert page(alice.get("/settings")).xpath("/html/@lang") == ["de"]


def test_an_https_extra_stylesheet_is_allowed_by_the_csp_and_nothing_else_is(tmp_path):
    from portalclient import content_security_policy
    plain = load_config(overrides=portal_overrides("http://crm.test", tmp_path))
    branded = load_config(overrides=portal_overrides(
        "http://crm.test", tmp_path, branding={"extra_css": "https://cdn.example/site.css"}))
    assert "style-src 'self';" in content_security_policy(plain)
    assert "style-src 'self' https://cdn.example;" in content_security_policy(branded)
    assert "script-src 'self';" in content_security_policy(branded)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "logo.png", "//evil.example/x.png"])
def test_a_logo_must_be_an_http_url_or_a_site_path(tmp_path, value):
    with pytest.raises(ConfigError, match=r"^\[branding\] logo: must be"):
        load_config(overrides=portal_overrides("http://crm.test", tmp_path,
                                               branding={"logo": value}))
