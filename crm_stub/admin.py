"""``crm-stub admin …``: the CRM administrator's settings, as subcommands over a data directory.

``register(subparsers)`` adds the commands to the ``admin`` command's subparsers; every leaf sets
``handler(args) -> int`` (exit status). Refusals print one line to stderr and return 1, never a
traceback. ``main(argv)`` runs the commands stand-alone (``python -m crm_stub.admin``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Sequence

from crm_stub import admin_actions as actions
from crm_stub import mail
from crm_stub.context import utc_now
from crm_stub.operations.visibility import AUTHORIZATION_MODES, AUTHORIZATION_PREF, LAX, STRICT
from crm_stub.store import DB_NAME, Store

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8081"
Handler = Callable[[Store, argparse.Namespace], str]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _open_store(data: str) -> Store:
    if not (Path(data) / DB_NAME).is_file():
        raise actions.AdminError(f"no stub CRM in {data}; `crm-stub serve --data {data}` "
                                 "creates one")
    return Store.open(Path(data))


def _guarded(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """Run a handler on the store named by --data; admin-facing errors become exit status 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            store = _open_store(args.data)
            try:
                print(handler(store, args))
            finally:
                store.close()
        # CLI boundary: refusals, database and mail failures are reported, not raised.
        except (actions.AdminError, sqlite3.Error, OSError) as error:
            print(f"crm-stub admin: {error}", file=sys.stderr)
            return 1
        return 0

    return run


def _table(rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns."""
    text = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in text) for i in range(len(text[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in text)


def _contact_add(store: Store, args: argparse.Namespace) -> str:
    contact_id = actions.add_contact(store, first=args.first, last=args.last, email=args.email,
                                     account=args.account, now=utc_now())
    return f"contact {contact_id} added: {args.first} {args.last} <{args.email}>"


def _portal_enable(store: Store, args: argparse.Namespace) -> str:
    invitation = actions.enable_portal_user(store, args.email, now=utc_now(),
                                            start=args.start, end=args.end,
                                            language=args.language)
    mailer = mail.mailer_from_env(os.environ, args.data)
    try:
        actions.send_welcome(mailer, invitation, args.base_url)
    except OSError as error:
        raise actions.AdminError(
            f"portal access enabled for {invitation.email}, but the welcome mail failed ({error});"
            " run `portal-user enable` again to send a new link") from error
    return (f"portal access enabled for {invitation.email}; "
            "welcome mail with a set-password link sent")


def _portal_disable(store: Store, args: argparse.Namespace) -> str:
    actions.disable_portal_user(store, args.email)
    return f"portal access disabled for {args.email}"


def _portal_list(store: Store, args: argparse.Namespace) -> str:
    users = actions.list_portal_users(store)
    rows = [("USER", "NAME", "ORGANIZATION", "ACTIVE", "SUPPORT", "LANG", "LAST LOGIN")]
    rows += [(u.user_name, u.name, u.account, "yes" if u.active else "no",
              f"{u.support_start}..{u.support_end}", u.language or "-", u.last_login or "-")
             for u in users]
    return _table(rows)


def _modules_list(store: Store, args: argparse.Namespace) -> str:
    rows = [("#", "MODULE", "VISIBLE", "CRM ENABLED", "SHOW ALL")]
    rows += [(m.sequence, m.name, _yes(m.visible), _yes(m.enabled), _yes(m.show_all))
             for m in actions.list_modules(store)]
    return _table(rows)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _modules_visible(visible: bool) -> Handler:
    def handler(store: Store, args: argparse.Namespace) -> str:
        module = actions.set_module_visible(store, args.module, visible)
        note = "" if module.enabled else " (the CRM module itself is disabled: still not shown)"
        return f"{module.name} {'shown in' if visible else 'hidden from'} the portal{note}"
    return handler


def _modules_order(store: Store, args: argparse.Namespace) -> str:
    return "portal order: " + ", ".join(actions.order_modules(store, args.modules))


def _show_all(store: Store, args: argparse.Namespace) -> str:
    name = actions.set_show_all(store, args.module, args.state == "on")
    return f"{name}: records across the organization {'shown' if args.state == 'on' else 'hidden'}"


def _fields_hidden(hidden: bool) -> Handler:
    def handler(store: Store, args: argparse.Namespace) -> str:
        field = actions.set_field_hidden(store, args.module, args.field, hidden)
        return f"{args.module} field {field.fieldname} ({field.label}) " + (
            "hidden from the portal" if hidden else "shown in the portal")
    return handler


def _fields_list(store: Store, args: argparse.Namespace) -> str:
    fields = actions.list_fields(store, args.module)
    if not fields:
        return f"{args.module} has no portal fields"
    return _table([("FIELD", "LABEL", "HIDDEN")]
                  + [(f.fieldname, f.label, _yes(f.hidden)) for f in fields])


def _assignee_set(store: Store, args: argparse.Namespace) -> str:
    owner_id, kind, name = actions.set_default_assignee(store, args.name)
    return f"portal tickets are now assigned to {kind} {name} (id {owner_id})"


def _authorization(store: Store, args: argparse.Namespace) -> str:
    if args.mode is not None:
        actions.set_authorization(store, args.mode)
    mode = store.pref(AUTHORIZATION_PREF, STRICT)
    meaning = ("record operations answer for any record id, as a real berliCRM does on"
               " several (PROTOCOL 6.4)" if mode == LAX else "every record id is checked")
    return f"authorization {mode}: {meaning}"


def _common() -> argparse.ArgumentParser:
    """Options every admin command takes: the stub's data directory."""
    parent = argparse.ArgumentParser(add_help=False)
    default = os.environ.get("CRM_STUB_DATA")
    parent.add_argument("--data", default=default, required=default is None,
                        help="stub CRM data directory (default: $CRM_STUB_DATA)")
    return parent


def _leaf(subparsers, name: str, handler: Handler, help_text: str,
          common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, parents=[common], help=help_text,
                                   description=help_text)
    parser.set_defaults(handler=_guarded(handler))
    return parser


def _group(subparsers, name: str, help_text: str):
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")


def _register_people(subparsers, common: argparse.ArgumentParser) -> None:
    contact = _group(subparsers, "contact", "CRM contacts")
    add = _leaf(contact, "add", _contact_add, "create a contact", common)
    add.add_argument("--first", default="")
    add.add_argument("--last", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--account", help="organization name")
    users = _group(subparsers, "portal-user", "portal logins of contacts")
    enable = _leaf(users, "enable", _portal_enable,
                   "give a contact portal access and mail a set-password link", common)
    enable.add_argument("--email", required=True)
    enable.add_argument("--start", type=_date, help="support start date (YYYY-MM-DD)")
    enable.add_argument("--end", type=_date, help="support end date (YYYY-MM-DD)")
    enable.add_argument("--language", help="language of the contact's mails, e.g. it, sv")
    enable.add_argument("--base-url", default=os.environ.get("CRM_STUB_BASE_URL",
                                                             DEFAULT_BASE_URL),
                        help="public URL of this stub CRM, for the link "
                             "(default: $CRM_STUB_BASE_URL or %(default)s)")
    disable = _leaf(users, "disable", _portal_disable, "revoke a contact's portal access",
                    common)
    disable.add_argument("--email", required=True)
    _leaf(users, "list", _portal_list, "list portal logins", common)


def _register_settings(subparsers, common: argparse.ArgumentParser) -> None:
    modules = _group(subparsers, "modules", "portal modules (tabs)")
    _leaf(modules, "list", _modules_list, "list portal modules in order", common)
    for name, visible in (("enable", True), ("disable", False)):
        leaf = _leaf(modules, name, _modules_visible(visible), f"{name} a portal module", common)
        leaf.add_argument("module")
    order = _leaf(modules, "order", _modules_order, "put modules first, in this order", common)
    order.add_argument("modules", nargs="+")
    show_all = _leaf(subparsers, "show-all", _show_all,
                     "\"See records across organization\" for a module", common)
    show_all.add_argument("module")
    show_all.add_argument("state", choices=("on", "off"))
    fields = _group(subparsers, "fields", "fields hidden from portal users")
    for name, hidden in (("hide", True), ("show", False)):
        leaf = _leaf(fields, name, _fields_hidden(hidden), f"{name} a field in the portal",
                     common)
        leaf.add_argument("module")
        leaf.add_argument("field")
    _leaf(fields, "list", _fields_list, "list a module's portal fields", common).add_argument(
        "module")
    authorization = _leaf(subparsers, "authorization", _authorization,
                          "record ownership checks: strict, or lax like a real berliCRM",
                          common)
    authorization.add_argument("mode", nargs="?", choices=AUTHORIZATION_MODES,
                               help="omit to show the current mode")
    assignee = _group(subparsers, "assignee", "default owner of portal tickets")
    _leaf(assignee, "set", _assignee_set, "set the default assignee (CRM user or group)",
          common).add_argument("name", help="user name, user full name or group name")


def register(subparsers) -> None:
    """Add every admin command to ``subparsers`` (those of ``crm-stub admin``)."""
    common = _common()
    _register_people(subparsers, common)
    _register_settings(subparsers, common)


def build_parser(prog: str = "crm-stub admin") -> argparse.ArgumentParser:
    """The admin commands as a parser of their own."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description="The stub CRM administrator's settings.")
    register(parser.add_subparsers(dest="admin_command", required=True, metavar="COMMAND"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one admin command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
