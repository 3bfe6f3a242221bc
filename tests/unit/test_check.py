"""``portalclient check`` against real local servers: the stub CRM, nothing, garbage, HTTP 500,
a slow server, a CRM refusing our version or enabling no module, and broken configurations."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import crm_stub
from portalclient.checks import ProbeFailed, run_probes
from portalclient.cli import main
from portalclient.config import load_config
from tests.servers import free_port
from tests.servers import serve_wsgi

TIMED_LINE = re.compile(r"^ok   (\w+) +(.*) \((\d+) ms\)$")


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = crm_stub.create_app(tmp_path / "crm")
    with serve_wsgi(app) as url:
        app.extensions["crm_stub"].base_url = url
        yield url, app.extensions["crm_stub"].store


def write_config(folder: Path, server: str, extra: str = "") -> Path:
    path = folder / "PortalConfig.toml"
    path.write_text(f'Server_Path = "{server}"\nAuthenticate_Path = "http://127.0.0.1:8080/"\n'
                    f'upload_dir = "{folder / "uploads"}"\n[crm]\ntimeout_seconds = 2\n{extra}',
                    encoding="utf-8")
    return path


def run(config: Path, capsys) -> tuple[int, list[str], str]:
    status = main(["check", "--config", str(config)])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.strip()


def plain_wsgi(status: str, body: bytes, delay: float = 0.0):
    """A server that answers everything with ``status`` and ``body`` (after ``delay``)."""

    def app(environ: dict, start_response: Any) -> list[bytes]:
        time.sleep(delay)
        start_response(status, [("Content-Type", "text/html"),
                                ("Content-Length", str(len(body)))])
        return [body]

    return app


def test_the_running_stub_passes_every_probe(stub, tmp_path, capsys):
    status, lines, err = run(write_config(tmp_path, stub[0]), capsys)
    assert status == 0, err
    assert lines[0] == (f"ok   config     {tmp_path / 'PortalConfig.toml'}: Server_Path "
                        f"{stub[0]}, Authenticate_Path http://127.0.0.1:8080/")
    probes = [TIMED_LINE.match(line) for line in lines[1:-1]]
    assert [match.group(1) for match in probes] == ["reachable", "protocol", "version",
                                                    "modules"]
    assert probes[0].group(2).startswith("HTTP ")
    assert probes[0].group(2).endswith(f"from {stub[0]}/vtigerservice.php?service=customerportal")
    assert probes[1].group(2) in ("show_all('HelpDesk') answered 'true'",
                                  "show_all('HelpDesk') answered 'false'")
    assert probes[2].group(2) == "portal protocol version 6.0.0 accepted"
    assert probes[3].group(2).startswith("portal modules: HelpDesk, ")
    assert lines[-1] == "all checks passed"
    assert err == ""


def test_the_probe_login_is_never_created_or_logged_in(stub, tmp_path, capsys):
    run(write_config(tmp_path, stub[0]), capsys)
    assert stub[1].scalar("SELECT COUNT(*) FROM portal_users WHERE user_name LIKE "
                          "'portalclient-check%'") == 0
    assert stub[1].scalar("SELECT COUNT(*) FROM sessions") == 0


def test_nothing_listening_fails_with_cannot_reach(tmp_path, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    status, lines, err = run(write_config(tmp_path, url), capsys)
    assert status == 1
    assert err == (f"check failed: cannot reach the CRM at {url}/vtigerservice.php?service="
                   f"customerportal: connection refused (nothing listens on that host and port)")
    assert [line.split()[1] for line in lines] == ["config"]


def test_a_server_answering_garbage_fails_the_protocol_probe(tmp_path, capsys):
    with serve_wsgi(plain_wsgi("200 OK", b"<html><body>It works!</body></html>")) as url:
        status, lines, err = run(write_config(tmp_path, url), capsys)
    assert status == 1
    assert err.startswith(f"check failed: the CRM at {url}/vtigerservice.php?service="
                          f"customerportal does not answer the customer-portal protocol: ")
    assert [line.split()[1] for line in lines] == ["config", "reachable"]
    assert "HTTP 200" in lines[1]


def test_an_http_500_fails_the_protocol_probe(tmp_path, capsys):
    with serve_wsgi(plain_wsgi("500 Internal Server Error", b"Fatal error")) as url:
        status, lines, err = run(write_config(tmp_path, url), capsys)
    assert status == 1
    assert "does not answer the customer-portal protocol: MalformedResponse" in err
    assert "HTTP 500" in lines[1]


def test_a_server_slower_than_the_timeout_fails_with_the_time(tmp_path, capsys):
    with serve_wsgi(plain_wsgi("200 OK", b"late", delay=3)) as url:
        status, _, err = run(write_config(tmp_path, url), capsys)
    assert status == 1
    assert err.endswith("no answer within 2 s")


def test_a_refused_version_fails_the_version_probe(stub, tmp_path):
    settings = load_config(write_config(tmp_path, stub[0])).to_crm_settings()
    lines: list[str] = []
    with pytest.raises(ProbeFailed) as failed:
        run_probes(dataclasses.replace(settings, version="5.0.0"), lines.append)
    assert str(failed.value) == ("the CRM refuses this portal's protocol version 5.0.0 (it "
                                 "answers NOT COMPATIBLE)")
    assert [line.split()[1] for line in lines] == ["reachable", "protocol"]


def test_a_crm_without_portal_modules_fails(stub, tmp_path, capsys):
    stub[1].execute("UPDATE portal_modules SET visible = 0, enabled = 0")
    status, _, err = run(write_config(tmp_path, stub[0]), capsys)
    assert status == 1
    assert err == ("check failed: the CRM enables no customer-portal module, so no customer "
                   "can log in (enable the customer portal in the CRM's settings)")


@pytest.mark.parametrize(("extra", "named"), [
    ("[security]\nthrottle_attempts = 0\n", "[security] throttle_attempts: must be above 0"),
    ("[crm]\npool_size = 'x'\n", "not valid TOML"),
    ("colour = 1\n", "unknown key"),
])
def test_a_bad_configuration_exits_2_naming_the_key(tmp_path, capsys, extra, named):
    status, lines, err = run(write_config(tmp_path, "http://127.0.0.1:1", extra), capsys)
    assert status == 2
    assert err.startswith("portalclient: configuration error: ")
    assert named in err
    assert lines == []


def test_a_missing_configuration_file_exits_2(tmp_path, capsys):
    status, _, err = run(tmp_path / "nowhere.toml", capsys)
    assert status == 2
    assert "configuration file not found" in err
