"""Every offered language has a complete, correct catalog, and no customer-visible text escapes
translation. Parametrized per language, so a missing translation names its language.

The catalogs are compared with a fresh extraction of the tree (not with messages.pot, which may
be older); templates and Python modules are scanned for text that is not marked at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from portalclient.i18n_catalogs import catalog_folder, catalog_path
from tests.unit.i18n_lint import catalog_problems, fresh_extraction
from tests.unit.i18n_unmarked import python_problems, template_problems

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
with (ROOT / "PortalConfig.toml").open("rb") as _fh:
    LANGUAGES = tomllib.load(_fh)["languages"]
SHOWN_AT_MOST = 60


@pytest.fixture(scope="module")
def fresh() -> Catalog:
    return fresh_extraction(ROOT)


def _report(problems: list[str]) -> str:
    more = len(problems) - SHOWN_AT_MOST
    return "\n".join(problems[:SHOWN_AT_MOST] + ([f"... and {more} more"] if more > 0 else []))


def test_the_fresh_extraction_reads_python_and_templates(fresh):
    assert fresh.get("Log in") is not None  # templates/auth/login.html
    assert fresh.get("Please log in to see this page.") is not None  # portalclient/session.py
    assert len(fresh) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_correct(language, fresh):
    path = catalog_path(TRANSLATIONS, language)
    assert path.is_file(), f"no catalog for {language}: {path.relative_to(ROOT)}"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=catalog_folder(language))
    problems = catalog_problems(catalog, fresh, language)
    assert not problems, (f"{len(problems)} problems in {path.relative_to(ROOT)}:\n"
                          + _report(problems))


def test_templates_have_no_unmarked_text():
    problems = [problem for path in sorted((ROOT / "templates").rglob("*.html"))
                for problem in template_problems(str(path.relative_to(ROOT)), path.read_text())]
    assert not problems, "text not marked for translation:\n" + _report(problems)


def test_portal_code_hands_no_literal_text_to_customers():
    problems = [problem for path in sorted((ROOT / "portalclient").rglob("*.py"))
                for problem in python_problems(str(path.relative_to(ROOT)), path.read_text())]
    assert not problems, "text not marked for translation:\n" + _report(problems)
