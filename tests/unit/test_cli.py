"""The portalclient command line: argument handling, demo config, gunicorn options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portalclient.cli import (_gunicorn_options, _limit_malloc_arenas, _parser, main,
                              write_demo_config)
from portalclient.config import load_config


def test_demo_config_points_at_the_stub_and_loads(tmp_path):
    path = write_demo_config(tmp_path / "portal", "http://127.0.0.1:9081", "http://127.0.0.1:9080/")
    config = load_config(path)
    assert config.server_path == "http://127.0.0.1:9081"
    assert config.authenticate_path == "http://127.0.0.1:9080/"
    assert config.upload_dir == str((tmp_path / "portal" / "uploads").resolve())
    assert "pt_BR" in config.languages and "fa" in config.languages
    assert (tmp_path / "portal" / "PortalConfig.secret").exists()


def test_demo_config_keeps_its_secret_across_rewrites(tmp_path):
    folder = tmp_path / "portal"
    first = load_config(write_demo_config(folder, "http://127.0.0.1:1", "http://127.0.0.1:2/"))
    second = load_config(write_demo_config(folder, "http://127.0.0.1:3", "http://127.0.0.1:4/"))
    assert first.security.secret_key == second.security.secret_key
    assert second.server_path == "http://127.0.0.1:3"


def test_serve_arguments_become_gunicorn_options():
    args = _parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000",
                                 "--workers", "3", "--threads", "8"])
    assert _gunicorn_options(args) == {"bind": "0.0.0.0:9000", "workers": 3, "threads": 8,
                                       "worker_class": "gthread", "accesslog": "-",
                                       "errorlog": "-", "control_socket_disable": True,
                                       "post_fork": _limit_malloc_arenas}
    single = _parser().parse_args(["serve", "--threads", "1"])
    assert _gunicorn_options(single)["worker_class"] == "sync"


def test_demo_defaults():
    args = _parser().parse_args(["demo"])
    assert (args.port, args.crm_port, str(args.data)) == (8080, 8081, "var/demo-crm")


def test_bad_config_exits_2_with_the_key_named(tmp_path, capsys):
    bad = tmp_path / "PortalConfig.toml"
    bad.write_text('Server_Path = "http://crm"\nAuthenticate_Path = "http://p/"\n'
                   'upload_dir = "/tmp"\n[crm]\ntimeout_seconds = "abc"\n')
    assert main(["serve", "--config", str(bad)]) == 2
    assert "[crm] timeout_seconds: expected a number, got 'abc'" in capsys.readouterr().err


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2


def test_the_cli_and_the_master_do_not_load_the_portal_application():
    """gunicorn's master imports only the CLI: no Flask, zeep or CRM client in it."""
    code = ("import sys, portalclient.cli, portalclient.config; "
            "print(sorted(m for m in ('flask', 'zeep', 'requests', 'portalclient.app') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
