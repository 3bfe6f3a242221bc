"""``crm-stub serve`` configuration: the mailer and the base URL of mailed links."""

from __future__ import annotations

import pytest

from crm_stub import cli, create_app, mail


@pytest.mark.parametrize("host, environ, expected", [
    ("127.0.0.1", {}, "http://127.0.0.1:8081"),
    ("crm.test", {"CRM_STUB_BASE_URL": ""}, "http://crm.test:8081"),
    ("::1", {}, "http://[::1]:8081"),
    ("0.0.0.0", {}, "http://localhost:8081"),
    ("0.0.0.0", {"CRM_STUB_BASE_URL": " https://crm.example/stub/ "},
     "https://crm.example/stub"),
])
def test_base_url_comes_from_the_environment_else_host_and_port(host, environ, expected):
    assert cli.base_url_for(host, 8081, environ) == expected


def _serve_args(data_dir):
    return cli.build_parser().parse_args(
        ["serve", "--host", "127.0.0.1", "--port", "9099", "--data", str(data_dir)])


def test_serve_app_mails_over_smtp_when_a_host_is_configured(tmp_path):
    app = cli.serve_app(_serve_args(tmp_path), {"CRM_STUB_SMTP_HOST": "mx.test",
                                                "CRM_STUB_SMTP_PORT": "2525",
                                                "CRM_STUB_BASE_URL": "https://crm.test"})
    ctx = app.extensions["crm_stub"]
    assert ctx.mailer == mail.SmtpMailer("mx.test", 2525)
    assert ctx.base_url == "https://crm.test"
    assert "set_password" in app.blueprints


def test_serve_app_writes_mail_into_the_data_dir_outbox_by_default(tmp_path):
    ctx = cli.serve_app(_serve_args(tmp_path), {}).extensions["crm_stub"]
    assert ctx.mailer == mail.OutboxMailer(tmp_path / "outbox")
    assert ctx.base_url == "http://127.0.0.1:9099"


def test_create_app_takes_the_mailer_and_base_url_it_is_given(tmp_path):
    def mine(to, subject, text):
        raise AssertionError("not called here")

    ctx = create_app(tmp_path, mailer=mine, base_url="http://crm.test",
                     testing=True).extensions["crm_stub"]
    assert (ctx.mailer, ctx.base_url) == (mine, "http://crm.test")
