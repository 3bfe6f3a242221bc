"""PortalConfig.toml loading: PHP names at the top, typed tables, errors that name the key."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from portalclient.config import ConfigError, PortalConfig, load_config

MINIMAL = """\
Server_Path = "http://crm.example:8081/"
Authenticate_Path = "https://portal.example/support/"
upload_dir = "/srv/portal/uploads"
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path


def write_config(directory: Path, text: str) -> Path:
    path = directory / "PortalConfig.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_starts_with_defaults(config_dir):
    config = load_config(write_config(config_dir, MINIMAL))
    assert isinstance(config, PortalConfig)
    assert config.server_path == "http://crm.example:8081/"
    assert config.authenticate_path == "https://portal.example/support/"
    assert config.upload_dir == "/srv/portal/uploads"
    assert config.languages == ("en",)
    assert config.default_language == "en"
    assert config.crm.timeout_seconds == 30.0
    assert config.security.session_idle_minutes == 60
    assert config.cache.modules_ttl_seconds == 300
    assert config.uploads.max_mb == 5
    assert config.branding.footer_links == ()


def test_missing_secret_is_generated_beside_the_file_with_mode_0600(config_dir, caplog):
    path = write_config(config_dir, MINIMAL)
    with caplog.at_level(logging.WARNING, logger="portalclient.config"):
        first = load_config(path)
    secret_file = config_dir / "PortalConfig.secret"
    assert secret_file.read_text().strip() == first.security.secret_key
    assert len(first.security.secret_key) >= 40
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert "secret_key" in caplog.text


def test_generated_secret_is_reused_on_next_start(config_dir):
    path = write_config(config_dir, MINIMAL)
    assert load_config(path).security.secret_key == load_config(path).security.secret_key


def test_configured_secret_wins_and_no_file_is_written(config_dir):
    path = write_config(config_dir, MINIMAL + '[security]\nsecret_key = "s3cret-s3cret"\n')
    assert load_config(path).security.secret_key == "s3cret-s3cret"
    assert not (config_dir / "PortalConfig.secret").exists()


def test_secret_is_not_in_repr(config_dir):
    path = write_config(config_dir, MINIMAL + '[security]\nsecret_key = "s3cret-s3cret"\n')
    assert "s3cret" not in repr(load_config(path))


def test_full_tables_are_typed(config_dir):
    text = MINIMAL + """
proxy_host = "proxy.local"
proxy_port = 3128
languages = ["en", "de", "fa"]
default_language = "de"
[crm]
timeout_seconds = 2.5
service_script = "vteservice.php"
[branding]
name = "Acme Support"
primary_color = "#112233"
[[branding.footer_links]]
label = "Imprint"
url = "https://acme.example/imprint"
[[branding.footer_links]]
label = "Help"
url = "/help"
"""
    config = load_config(write_config(config_dir, text))
    assert config.proxy_port == 3128
    assert config.languages == ("en", "de", "fa")
    assert config.crm.timeout_seconds == 2.5
    assert [(link.label, link.url) for link in config.branding.footer_links] == [
        ("Imprint", "https://acme.example/imprint"), ("Help", "/help")]
    settings = config.to_crm_settings()
    assert settings.server_path == "http://crm.example:8081"
    assert settings.timeout == 2.5
    assert settings.proxy_url == "http://proxy.local:3128"
    assert settings.endpoint == "http://crm.example:8081/vteservice.php?service=customerportal"


@pytest.mark.parametrize(("extra", "message"), [
    ('[crm]\ntimeout_seconds = "abc"\n', "[crm] timeout_seconds: expected a number, got 'abc'"),
    ("[crm]\ntimeout_seconds = true\n", "[crm] timeout_seconds: expected a number, got True"),
    ("[crm]\nretries = 3\n", "[crm] retries: unknown key"),
    ("Server_path_typo = 1\n", "Server_path_typo: unknown key"),
    ("proxy_port = 31.5\n", "proxy_port: expected an integer, got 31.5"),
    ('languages = "en"\n', "languages: expected a list, got 'en'"),
    ("languages = [1]\n", "languages[0]: expected a string, got 1"),
    ('languages = ["en", "xx_QQ"]\n', "languages: must be a non-empty list of locale codes"),
    ('default_language = "de"\n', "default_language: must be one of `languages`"),
    ("crm = 5\n", "[crm]: expected a table, got 5"),
    ('[security]\nsession_idle_minutes = "10"\n',
     "[security] session_idle_minutes: expected an integer, got '10'"),
    ("[security]\nsession_idle_minutes = 0\n", "[security] session_idle_minutes: must be above 0"),
    ('[branding]\nprimary_color = "red;}"\n', "[branding] primary_color: must be a #rrggbb colour"),
    ('[[branding.footer_links]]\nlabel = "x"\n', "[branding.footer_links[0]] url: required"),
    ('[[branding.footer_links]]\nlabel = "x"\nurl = "javascript:alert(1)"\n',
     "[branding] footer_links: must be links with http(s) or site-relative URLs"),
    ("[uploads]\nmax_mb = -1\n", "[uploads] max_mb: must be above 0"),
    ('[crm]\nservice_script = "../x.php"\n', "[crm] service_script: must be a script name"),
])
def test_bad_values_name_the_key(config_dir, extra, message):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(config_dir, MINIMAL + extra))
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("missing", ["Server_Path", "Authenticate_Path", "upload_dir"])
def test_required_top_level_keys(config_dir, missing):
    text = "".join(line + "\n" for line in MINIMAL.splitlines() if not line.startswith(missing))
    with pytest.raises(ConfigError, match=f"^{missing}: required$"):
        load_config(write_config(config_dir, text))


def test_bad_urls_are_refused(config_dir):
    with pytest.raises(ConfigError, match="^Server_Path: must be an http"):
        load_config(write_config(config_dir, MINIMAL), {"Server_Path": "crm.example"})


def test_invalid_toml_and_missing_file_name_the_path(config_dir):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write_config(config_dir, "Server_Path = \n"))
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(config_dir / "nope.toml")


def test_overrides_merge_into_tables(config_dir):
    path = write_config(config_dir, MINIMAL + "[crm]\npool_size = 4\n")
    config = load_config(path, {"crm": {"timeout_seconds": 9}})
    assert (config.crm.pool_size, config.crm.timeout_seconds) == (4, 9.0)


def test_overrides_alone_read_no_file(config_dir, monkeypatch, caplog):
    write_config(config_dir, "this is not toml")
    monkeypatch.chdir(config_dir)
    monkeypatch.setenv("PORTALCLIENT_CONFIG", str(config_dir / "PortalConfig.toml"))
    with caplog.at_level(logging.WARNING, logger="portalclient.config"):
        config = load_config(overrides={"Server_Path": "http://crm", "Authenticate_Path":
                                        "http://portal/", "upload_dir": "/tmp/up"})
    assert config.server_path == "http://crm"
    assert config.security.secret_key
    assert not (config_dir / "PortalConfig.secret").exists()
    assert "temporary key" in caplog.text


def test_default_path_comes_from_the_environment(config_dir, monkeypatch):
    other = config_dir / "elsewhere"
    other.mkdir()
    write_config(other, MINIMAL.replace("crm.example", "from-env.example"))
    monkeypatch.chdir(config_dir)
    monkeypatch.setenv("PORTALCLIENT_CONFIG", str(other / "PortalConfig.toml"))
    assert load_config().server_path == "http://from-env.example:8081/"


def test_repository_config_is_valid(monkeypatch, tmp_path):
    """The shipped PortalConfig.toml loads (copied, so no secret is written into the checkout)."""
    shipped = Path(__file__).resolve().parents[2] / "PortalConfig.toml"
    copy = write_config(tmp_path, shipped.read_text(encoding="utf-8"))
    config = load_config(copy)
    assert config.server_path == "http://127.0.0.1:8081"
    assert config.languages == ("en", "de", "ja", "ru", "fa", "it", "sv", "es", "fr", "pt_BR",
                                "tr", "zh_CN")
