"""Catalog folders and compiling: zh_CN really loads from zh_Hans_CN, fuzzy entries never ship."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po
from flask import Flask
from flask_babel import Babel, gettext

from portalclient.i18n_catalogs import catalog_folder, catalog_path, compile_catalogs


def _write_po(directory: Path, folder: str, messages: dict[str, str], fuzzy: str = "") -> Path:
    catalog = Catalog(locale=folder)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr, flags=("fuzzy",) if msgid == fuzzy else ())
    path = directory / folder / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        write_po(fh, catalog)
    return path


@pytest.mark.parametrize("code, folder", [("zh_CN", "zh_Hans_CN"), ("zh-CN", "zh_Hans_CN"),
                                          ("pt_BR", "pt_BR"), ("fa", "fa"), ("ja", "ja")])
def test_catalog_folder_is_babels_name_for_the_locale(code, folder):
    assert catalog_folder(code) == folder


def test_catalog_path():
    assert catalog_path(Path("/t"), "zh_CN") == Path("/t/zh_Hans_CN/LC_MESSAGES/messages.po")
    assert catalog_path(Path("/t"), "fa", ".mo") == Path("/t/fa/LC_MESSAGES/messages.mo")


def test_compile_writes_missing_and_stale_catalogs_only(tmp_path):
    po = _write_po(tmp_path, "de", {"Log in": "Anmelden"})
    assert compile_catalogs(tmp_path) == [po.with_suffix(".mo")]
    assert compile_catalogs(tmp_path) == []  # up to date
    os.utime(po, (po.stat().st_mtime + 10,) * 2)
    assert compile_catalogs(tmp_path) == [po.with_suffix(".mo")]
    assert not list(tmp_path.rglob("*.tmp"))


def test_compile_into_another_tree_leaves_fuzzy_entries_out(tmp_path):
    _write_po(tmp_path / "src", "fa", {"Log in": "ورود", "Log out": "حدس"}, fuzzy="Log out")
    written = compile_catalogs(tmp_path / "src", target=tmp_path / "build")
    assert written == [tmp_path / "build/fa/LC_MESSAGES/messages.mo"]
    with written[0].open("rb") as fh:
        catalog = read_mo(fh)
    assert catalog.get("Log in").string == "ورود"
    assert catalog.get("Log out") is None
    assert not (tmp_path / "src/fa/LC_MESSAGES/messages.mo").exists()


def test_flask_babel_finds_the_chinese_catalog_for_zh_cn(tmp_path):
    _write_po(tmp_path, catalog_folder("zh_CN"), {"Log in": "登录"})
    compile_catalogs(tmp_path)
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "zh_CN", default_translation_directories=str(tmp_path))
    with app.test_request_context("/"):
        assert gettext("Log in") == "登录"
