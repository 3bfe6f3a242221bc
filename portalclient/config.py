"""PortalConfig.toml -> one frozen, validated settings object.

The top level keeps the PHP portal's names (``Server_Path``, ``Authenticate_Path``, …) so an
admin can carry values over from ``PortalConfig.php``; everything new lives in tables. Every
mistake is reported as a ``ConfigError`` that names the key, at start-up, never at request time.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from portalclient.crm.settings import CrmSettings

log = logging.getLogger(__name__)

__all__ = ["ConfigError", "PortalConfig", "load_config", "portal_config", "default_config_path"]

ENV_VAR = "PORTALCLIENT_CONFIG"
SECRET_FILE_NAME = "PortalConfig.secret"
EXTENSION_KEY = "portalclient.config"


class ConfigError(ValueError):
    """The configuration is unusable; the message names the offending key."""


@dataclass(frozen=True)
class CrmSection:
    """[crm]: how the portal talks to the CRM."""

    timeout_seconds: float = 30.0
    service_script: str = "vtigerservice.php"
    max_response_mb: int = 64
    pool_size: int = 16


@dataclass(frozen=True)
class SecuritySection:
    """[security]: cookie signing and session lifetimes."""

    secret_key: str = field(default="", repr=False)
    session_idle_minutes: int = 60
    session_absolute_minutes: int = 720
    #: Reverse proxies in front of the portal whose X-Forwarded-* headers are trusted.
    trusted_proxies: int = 0
    #: Failed logins (or password-mail requests) allowed per account and per client address
    #: within ``throttle_window_minutes`` before further tries wait ``throttle_lockout_minutes``.
    throttle_attempts: int = 5
    throttle_window_minutes: int = 15
    throttle_lockout_minutes: int = 15


@dataclass(frozen=True)
class CacheSection:
    """[cache]: lifetimes of the metadata caches (never per-customer data)."""

    modules_ttl_seconds: int = 300
    #: Other global metadata (picklists …).
    metadata_ttl_seconds: int = 600
    #: The FAQ knowledge base (published articles change rarely; a comment refreshes it at once).
    faq_ttl_seconds: int = 300
    #: Per-customer answers (ticket form choices …); dropped at once when the customer writes.
    customer_ttl_seconds: int = 60
    maxsize: int = 256


@dataclass(frozen=True)
class UploadsSection:
    """[uploads]: limits on files customers attach."""

    max_mb: int = 5
    #: File name extensions customers may upload (lower case, without the dot).
    allowed_extensions: tuple[str, ...] = (
        "pdf", "txt", "log", "csv", "png", "jpg", "jpeg", "gif", "webp", "zip", "doc", "docx",
        "xls", "xlsx", "odt", "ods")


@dataclass(frozen=True)
class LocaleSection:
    """[locale]: how dates are shown beyond what the customer's language decides."""

    #: Calendar for Persian pages: "jalali" (solar hijri, what Iranian customers read) or
    #: "gregorian".
    persian_calendar: str = "jalali"


@dataclass(frozen=True)
class FooterLink:
    """One [[branding.footer_links]] entry."""

    label: str
    url: str


@dataclass(frozen=True)
class BrandingSection:
    """[branding]: how the portal looks to customers."""

    #: Shown in the header and page titles; empty: "Customer Portal" in the customer's language.
    name: str = ""
    logo: str = ""
    primary_color: str = "#1f5fa8"
    accent_color: str = "#f2f5fa"
    #: An extra stylesheet (site path or https URL) linked after the colours, for local styling.
    extra_css: str = ""
    footer_links: tuple[FooterLink, ...] = ()


@dataclass(frozen=True)
class PortalConfig:
    """The whole portal configuration; top-level names are the PHP portal's."""

    server_path: str = field(metadata={"key": "Server_Path"})
    authenticate_path: str = field(metadata={"key": "Authenticate_Path"})
    upload_dir: str
    proxy_host: str = ""
    proxy_port: int | None = None
    proxy_username: str = ""
    proxy_password: str = field(default="", repr=False)
    default_language: str = "en"
    languages: tuple[str, ...] = ("en",)
    crm: CrmSection = CrmSection()
    security: SecuritySection = SecuritySection()
    cache: CacheSection = CacheSection()
    uploads: UploadsSection = UploadsSection()
    locale: LocaleSection = LocaleSection()
    branding: BrandingSection = BrandingSection()

    def to_crm_settings(self) -> CrmSettings:
        """The CRM client's view of this configuration."""
        return CrmSettings(
            server_path=self.server_path.rstrip("/"),
            timeout=float(self.crm.timeout_seconds),
            proxy_host=self.proxy_host,
            proxy_port=self.proxy_port,
            proxy_username=self.proxy_username,
            proxy_password=self.proxy_password,
            max_response_bytes=self.crm.max_response_mb * 1024 * 1024,
            pool_size=self.crm.pool_size,
            service_script=self.crm.service_script,
        )


def default_config_path() -> Path:
    """``$PORTALCLIENT_CONFIG`` if set, else ``./PortalConfig.toml``."""
    return Path(os.environ.get(ENV_VAR) or "PortalConfig.toml")


def load_config(path: str | os.PathLike | None = None,
                overrides: Mapping[str, Any] | None = None) -> PortalConfig:
    """Read, merge and validate the configuration.

    ``overrides`` (same shape as the TOML file) win over the file. With overrides and no
    explicit ``path`` no file is read at all: the overrides are the whole configuration
    (tests and embedding must never pick up a developer's file).
    """
    reads_file = path is not None or overrides is None
    file_path = Path(path or default_config_path()) if reads_file else None
    data = _read_toml(file_path) if file_path else {}
    merged = _deep_merge(data, overrides or {})
    config = _build(PortalConfig, merged, section="")
    _validate(config)
    if not config.security.secret_key:
        config = _with_secret(config, _secret_beside(file_path))
    return config


def portal_config() -> PortalConfig:
    """The running app's configuration (from ``app.extensions``)."""
    from flask import current_app  # not at import time: the CLI and gunicorn's master skip Flask

    return current_app.extensions[EXTENSION_KEY]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found "
                          f"(set {ENV_VAR} or --config)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _with_secret(config: PortalConfig, secret: str) -> PortalConfig:
    security = dataclasses.replace(config.security, secret_key=secret)
    return dataclasses.replace(config, security=security)


def _secret_beside(config_file: Path | None) -> str:
    """Reuse or create ``PortalConfig.secret`` next to the config file (mode 0600)."""
    if config_file is None:
        log.warning("no [security] secret_key and no config file: using a temporary key; "
                    "sessions end when the portal restarts")
        return secrets.token_urlsafe(48)
    secret_path = config_file.resolve().parent / SECRET_FILE_NAME
    try:
        existing = secret_path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    return _create_secret_file(secret_path)


def _create_secret_file(secret_path: Path) -> str:
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise ConfigError(f"[security] secret_key: not set, and {secret_path} "
                          f"cannot be written ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    os.chmod(secret_path, 0o600)
    log.warning("no [security] secret_key configured: generated one in %s (keep it private)",
                secret_path)
    return secret


# --- typed building: TOML values -> dataclasses, naming the key on every mistake -------------

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _key_name(section: str, key: str) -> str:
    return f"[{section}] {key}" if section else key


def _build(cls: type, data: Any, *, section: str) -> Any:
    """Instantiate dataclass ``cls`` from a TOML table, rejecting unknown keys and wrong types."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"[{section}]: expected a table, got {data!r}")
    fields = {f.metadata.get("key", f.name): f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{_key_name(section, unknown[0])}: unknown key")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, spec in fields.items():
        if key in data:
            sub = f"{section}.{key}" if section else key
            kwargs[spec.name] = _convert(hints[spec.name], data[key], _key_name(section, key), sub)
        elif spec.default is dataclasses.MISSING:
            raise ConfigError(f"{_key_name(section, key)}: required")
    return cls(**kwargs)


def _convert(tp: Any, value: Any, name: str, sub: str) -> Any:
    """Check ``value`` against type hint ``tp``; ``sub`` is the table path for nested tables."""
    if isinstance(tp, types.UnionType):  # ``X | None``: TOML has no null, so only X is possible
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, section=sub)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{name}: expected a list, got {value!r}")
        item_type = typing.get_args(tp)[0]
        return tuple(_convert(item_type, item, f"{name}[{i}]", f"{sub}[{i}]")
                     for i, item in enumerate(value))
    if _is_instance(value, tp):
        return float(value) if tp is float else value
    raise ConfigError(f"{name}: expected {_TYPE_NAMES[tp]}, got {value!r}")


def _is_instance(value: Any, tp: type) -> bool:
    if isinstance(value, bool):
        return tp is bool
    if tp is float:
        return isinstance(value, (int, float))
    return isinstance(value, tp)


# --- rules beyond types -----------------------------------------------------------------------

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_site_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//")


def _is_stylesheet_url(value: str) -> bool:
    """Empty, a site path, or an https URL (a stylesheet over plain http would be mixed content)."""
    if not value or _is_site_path(value):
        return True
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc)


def _is_locale(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _rules(c: PortalConfig) -> list[tuple[str, bool, str]]:
    """(key, holds, what it must be) for every value-level rule."""
    sec = c.security
    return [
        ("Server_Path", _is_http_url(c.server_path), "an http(s) URL of the CRM"),
        ("Authenticate_Path", _is_http_url(c.authenticate_path), "the portal's http(s) URL"),
        ("upload_dir", bool(c.upload_dir.strip()), "a directory"),
        ("proxy_port", c.proxy_port is None or 0 < c.proxy_port < 65536, "a port number"),
        ("languages", bool(c.languages) and all(map(_is_locale, c.languages)),
         "a non-empty list of locale codes such as 'en' or 'pt_BR'"),
        ("default_language", c.default_language in c.languages, "one of `languages`"),
        ("[crm] timeout_seconds", c.crm.timeout_seconds > 0, "above 0"),
        ("[crm] service_script", bool(re.fullmatch(r"[\w.-]+\.php", c.crm.service_script)),
         "a script name such as vtigerservice.php"),
        ("[crm] max_response_mb", c.crm.max_response_mb > 0, "above 0"),
        ("[crm] pool_size", c.crm.pool_size > 0, "above 0"),
        ("[security] session_idle_minutes", sec.session_idle_minutes > 0, "above 0"),
        ("[security] session_absolute_minutes",
         sec.session_absolute_minutes >= sec.session_idle_minutes, "at least the idle minutes"),
        ("[security] trusted_proxies", sec.trusted_proxies >= 0, "0 or more"),
        ("[security] throttle_attempts", sec.throttle_attempts > 0, "above 0"),
        ("[security] throttle_window_minutes", sec.throttle_window_minutes > 0, "above 0"),
        ("[security] throttle_lockout_minutes", sec.throttle_lockout_minutes > 0, "above 0"),
        ("[locale] persian_calendar", c.locale.persian_calendar in ("jalali", "gregorian"),
         "\"jalali\" or \"gregorian\""),
        ("[cache] modules_ttl_seconds", c.cache.modules_ttl_seconds >= 0, "0 or more"),
        ("[cache] metadata_ttl_seconds", c.cache.metadata_ttl_seconds >= 0, "0 or more"),
        ("[cache] faq_ttl_seconds", c.cache.faq_ttl_seconds >= 0, "0 or more"),
        ("[cache] customer_ttl_seconds", c.cache.customer_ttl_seconds >= 0, "0 or more"),
        ("[cache] maxsize", c.cache.maxsize > 0, "above 0"),
        ("[uploads] max_mb", c.uploads.max_mb > 0, "above 0"),
        ("[uploads] allowed_extensions", all(re.fullmatch(r"[a-z0-9]{1,10}", ext)
                                             for ext in c.uploads.allowed_extensions),
         "a list of lower-case extensions without dots, such as \"pdf\""),
        ("[branding] primary_color", bool(_COLOR.match(c.branding.primary_color)),
         "a #rrggbb colour"),
        ("[branding] accent_color", bool(_COLOR.match(c.branding.accent_color)),
         "a #rrggbb colour"),
        ("[branding] extra_css", _is_stylesheet_url(c.branding.extra_css),
         "empty, a site path such as /static/site.css, or an https URL"),
        ("[branding] logo", not c.branding.logo or _is_http_url(c.branding.logo)
         or _is_site_path(c.branding.logo), "empty, an http(s) URL or a site path"),
        ("[branding] footer_links", all(_is_http_url(link.url) or _is_site_path(link.url)
                                        for link in c.branding.footer_links),
         "links with http(s) or site-relative URLs"),
    ]


def _validate(config: PortalConfig) -> None:
    for key, holds, expected in _rules(config):
        if not holds:
            raise ConfigError(f"{key}: must be {expected}")
