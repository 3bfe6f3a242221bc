"""The ``crm-stub`` command: serve the stub CRM, list its demo logins, administer it."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from werkzeug.serving import WSGIRequestHandler, run_simple

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


class NusoapHeadersRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its own ``Server`` header: clients see only NuSOAP's."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


#: Listening addresses that are no address a mail reader could open.
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def base_url_for(host: str, port: int, environ: Mapping[str, str]) -> str:
    """Where mailed links point: $CRM_STUB_BASE_URL, else ``http://<host>:<port>``."""
    configured = (environ.get("CRM_STUB_BASE_URL") or "").strip().rstrip("/")
    if configured:
        return configured
    if host in _WILDCARD_HOSTS:
        log.warning("listening on all addresses: mailed links use localhost; "
                    "set CRM_STUB_BASE_URL to the address mail readers can reach")
        host = "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve_app(args: argparse.Namespace, environ: Mapping[str, str]) -> Flask:
    """The app ``crm-stub serve`` runs: mailer and link base URL configured from ``environ``."""
    from crm_stub import create_app, mail

    return create_app(args.data, mailer=mail.mailer_from_env(environ, args.data),
                      base_url=base_url_for(args.host, args.port, environ))


def _serve(args: argparse.Namespace) -> int:
    app = serve_app(args, os.environ)
    print(f"stub CRM: http://{args.host}:{args.port}/vtigerservice.php?service=customerportal",
          flush=True)
    run_simple(args.host, args.port, app, threaded=True,
               request_handler=NusoapHeadersRequestHandler)
    return 0


def _demo_users(args: argparse.Namespace) -> int:
    from crm_stub.store import Store

    store = Store.open(Path(args.data))
    for email, password in store.demo_logins():
        print(f"{email} {password}")
    return 0


def _add_admin(subparsers: argparse._SubParsersAction) -> None:
    """``crm-stub admin …``: ``crm_stub.admin.register(admin_subparsers)`` adds the commands.

    Each admin command sets ``handler=func(args) -> int`` with ``set_defaults``. Without the
    module (not written yet) there is no ``admin`` command.
    """
    try:
        module = importlib.import_module("crm_stub.admin")
    except ModuleNotFoundError as exc:
        if exc.name != "crm_stub.admin":
            raise
        return
    admin = subparsers.add_parser("admin", help="administer the stub CRM's data")
    module.register(admin.add_subparsers(dest="admin_command", required=True))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and for ``crm_stub.admin``."""
    parser = argparse.ArgumentParser(prog="crm-stub", description="A stand-in vtiger CRM.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    serve = subparsers.add_parser("serve", help="serve the customer-portal SOAP endpoint")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    serve.add_argument("--data", required=True, help="data directory (created and seeded)")
    serve.set_defaults(handler=_serve)
    demo = subparsers.add_parser("demo-users", help="print 'email password' per demo login")
    demo.add_argument("--data", required=True)
    demo.set_defaults(handler=_demo_users)
    _add_admin(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``crm-stub`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
