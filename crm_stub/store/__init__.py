"""The stub CRM's SQLite store: schema files, seeding on first open, thread-safe access.

The schema is every ``crm_stub/store/*.sql`` file in name order; the demo data comes from every
seeder module ``crm_stub/seed/*.py`` in name order (each has ``seed(store, now)``). A new
database is built under a temporary name and renamed into place, so a half-seeded file is never
opened.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import pkgutil
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

log = logging.getLogger(__name__)

DB_NAME = "crm.sqlite3"
SCHEMA_DIR = Path(__file__).resolve().parent
SEED_PACKAGE = "crm_stub.seed"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: FROM/WHERE of the portal logins that may act (``p``, ``c``, ``e``): active login, "Portal
#: User" ticked, contact not deleted. The support window is checked only at log-in.
ACTIVE_LOGINS = (" FROM portal_users p JOIN contacts c ON c.id = p.contact_id"
                 " JOIN entities e ON e.id = c.id"
                 " WHERE p.is_active = 1 AND c.portal = 1 AND e.deleted = 0")


def format_time(moment: dt.datetime) -> str:
    """CRM database time text ('YYYY-MM-DD HH:MM:SS') of a naive datetime."""
    return moment.strftime(TIME_FORMAT)


def full_name(first: str | None, last: str | None) -> str:
    """'First Last' as vtiger shows a person, leaving out an empty part."""
    return " ".join(part for part in (first, last) if part)


def seeder_modules() -> list[Any]:
    """The seeder modules of ``crm_stub.seed`` in name order."""
    package = importlib.import_module(SEED_PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    return [importlib.import_module(f"{SEED_PACKAGE}.{name}") for name in names]


class Store:
    """SQLite access with one connection per thread and explicit transactions."""

    def __init__(self, path: Path, now: dt.datetime | None = None):
        self.path = Path(path)
        #: The clock reading the demo data was seeded with (None if opened existing).
        self.seeded_at = now
        self._local = threading.local()

    @classmethod
    def open(cls, data_dir: Path, now: dt.datetime | None = None) -> "Store":
        """Open ``data_dir/crm.sqlite3``, creating and seeding it (relative to ``now``) if new."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / DB_NAME
        if not path.exists():
            moment = (now or dt.datetime.now()).replace(microsecond=0)
            cls._build(path, moment)
            return cls(path, moment)
        return cls(path)

    @classmethod
    def _build(cls, path: Path, now: dt.datetime) -> None:
        """Create schema and demo data in a temporary file, then move it into place."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.unlink(missing_ok=True)
        builder = cls(tmp, now)
        try:
            with builder.transaction():
                for sql_file in sorted(SCHEMA_DIR.glob("*.sql")):
                    builder._connection().executescript_in_tx(sql_file.read_text("utf-8"))
                for module in seeder_modules():
                    log.debug("seeding with %s", module.__name__)
                    module.seed(builder, now)
        finally:
            builder.close()
        os.replace(tmp, path)
        log.info("created stub CRM database %s", path)

    def _connection(self) -> "_Connection":
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _Connection(self.path)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (other threads keep theirs)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.raw.close()
            self._local.conn = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement (autocommitted unless inside ``transaction()``)."""
        return self._connection().raw.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """All rows of a query."""
        return self.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.query_one(sql, params)
        return None if row is None else row[0]

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Group statements atomically; nested use joins the outer transaction."""
        conn = self._connection()
        if conn.depth:
            conn.depth += 1
            try:
                yield self
            finally:
                conn.depth -= 1
            return
        conn.raw.execute("BEGIN IMMEDIATE")
        conn.depth = 1
        try:
            yield self
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise
        else:
            conn.raw.execute("COMMIT")
        finally:
            conn.depth = 0

    def new_entity(self, module: str, owner_id: int | None, creator_id: int | None = None,
                   now: dt.datetime | None = None, record_id: int | None = None) -> int:
        """Allocate a record id (vtiger_crmentity) for ``module``: the next one or ``record_id``."""
        stamp = format_time(now or self.seeded_at or dt.datetime.now())
        cur = self.execute(
            "INSERT INTO entities(id, module, owner_id, creator_id, created, modified)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (record_id, module, owner_id, creator_id if creator_id is not None else owner_id,
             stamp, stamp),
        )
        return int(cur.lastrowid)

    def insert(self, table: str, **values: Any) -> None:
        """Insert one row; ``table`` and column names come from code, never from requests."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.execute(f"INSERT INTO {table}({columns}) VALUES ({marks})", tuple(values.values()))

    def touch(self, record_id: int, now: dt.datetime) -> None:
        """Set a record's modification time."""
        self.execute("UPDATE entities SET modified = ? WHERE id = ?",
                     (format_time(now), record_id))

    def owner_name(self, owner_id: int | None) -> str:
        """Display name of a record owner: a user's full name or a group's name, else ''."""
        if owner_id is None:
            return ""
        user = self.query_one("SELECT first_name, last_name FROM users WHERE id = ?", (owner_id,))
        if user is not None:
            return full_name(user["first_name"], user["last_name"])
        return self.scalar("SELECT name FROM groups WHERE id = ?", (owner_id,)) or ""

    def pref(self, key: str, default: str = "") -> str:
        """A global portal preference (portal_prefs) as text."""
        value = self.scalar("SELECT value FROM portal_prefs WHERE key = ?", (key,))
        return default if value is None else str(value)

    def demo_logins(self) -> list[tuple[str, str]]:
        """(e-mail, password) of the demo portal users, from the seeders' DEMO_LOGINS."""
        logins: list[tuple[str, str]] = []
        for module in seeder_modules():
            logins.extend(getattr(module, "DEMO_LOGINS", ()))
        return logins


class _Connection:
    """One thread's sqlite3 connection plus its transaction depth."""

    def __init__(self, path: Path):
        self.raw = sqlite3.connect(path, isolation_level=None, timeout=30.0,
                                   check_same_thread=True)
        self.raw.row_factory = sqlite3.Row
        self.raw.execute("PRAGMA foreign_keys = OFF")
        self.raw.execute("PRAGMA journal_mode = WAL")
        self.raw.execute("PRAGMA busy_timeout = 30000")
        self.depth = 0

    def executescript_in_tx(self, script: str) -> None:
        """Run a schema script statement by statement, inside the current transaction."""
        buffer = ""
        for line in script.splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                statement = buffer.strip()
                buffer = ""
                if statement and not _is_comment_only(statement):
                    self.raw.execute(statement)
        if buffer.strip() and not _is_comment_only(buffer.strip()):
            raise ValueError(f"incomplete SQL statement: {buffer.strip()[:60]}")


def _is_comment_only(statement: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--")
               for line in statement.splitlines())
