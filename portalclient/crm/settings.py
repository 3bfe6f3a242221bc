"""Connection settings of the CRM client, independent of how the portal stores its config."""

from __future__ import annotations

from dataclasses import dataclass

#: The version string the berliCRM PHP portal sends; every server of the family accepts it.
PORTAL_PROTOCOL_VERSION = "6.0.0"


@dataclass(frozen=True)
class CrmSettings:
    """Where the CRM is and how to talk to it."""

    #: CRM base URL without trailing slash, as in the PHP portal's PortalConfig.php.
    server_path: str
    #: Seconds to wait for connect and for each answer.
    timeout: float = 30.0
    proxy_host: str = ""
    proxy_port: int | None = None
    proxy_username: str = ""
    proxy_password: str = ""
    #: Refuse answers larger than this (files come base64-encoded inside one XML answer).
    max_response_bytes: int = 64 * 1024 * 1024
    #: Sent to authenticate_user; must compare >= 5.1.0 on the server.
    version: str = PORTAL_PROTOCOL_VERSION
    #: HTTP connections kept open to the CRM per process.
    pool_size: int = 16
    #: The endpoint script: ``vtigerservice.php`` (vtiger, berliCRM, coreBOS) or
    #: ``vteservice.php`` (vtenext).
    service_script: str = "vtigerservice.php"

    @property
    def endpoint(self) -> str:
        """The URL every call is posted to."""
        return f"{self.server_path.rstrip('/')}/{self.service_script}?service=customerportal"

    @property
    def proxy_url(self) -> str | None:
        """A requests-style proxy URL, or None when no proxy is configured."""
        if not self.proxy_host:
            return None
        auth = ""
        if self.proxy_username:
            from urllib.parse import quote

            auth = f"{quote(self.proxy_username, safe='')}:{quote(self.proxy_password, safe='')}@"
        host = self.proxy_host
        scheme = "http"
        if "://" in host:
            scheme, host = host.split("://", 1)
        port = f":{self.proxy_port}" if self.proxy_port else ""
        return f"{scheme}://{auth}{host}{port}"
