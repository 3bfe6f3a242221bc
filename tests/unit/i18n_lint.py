"""Checks behind tests/unit/test_catalogs.py: a fresh extraction and catalog completeness.

Problems come back as "file:line: 'message': what is wrong" strings, so a failing test names
every message at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural

#: Our lazy keywords (README: pybabel extract -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
#: The top-level folders the extraction reads (babel.cfg's patterns are below them).
SOURCE_DIRS = ("portalclient", "templates")
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def fresh_extraction(root: Path) -> Catalog:
    """The messages a ``pybabel extract`` with babel.cfg would find right now."""
    root = root.resolve()
    with (root / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog()
    wanted = {str(root / name) for name in SOURCE_DIRS}

    def inside_sources(dirpath: str) -> bool:
        return any(dirpath == top or dirpath.startswith(top + "/") for top in wanted)

    for filename, lineno, message, _comments, context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, directory_filter=inside_sources):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def catalog_problems(catalog: Catalog, fresh: Catalog, language: str) -> list[str]:
    """What keeps ``catalog`` (language ``language``) from being complete and correct."""
    nplurals = get_plural(language).num_plurals
    problems = []
    if catalog.num_plurals != nplurals:
        problems.append(f"Plural-Forms has nplurals={catalog.num_plurals}, {language} needs "
                        f"{nplurals}")
    for wanted in fresh:
        if not wanted.id:
            continue
        found = catalog.get(wanted.id, context=wanted.context)
        where = f"{wanted.locations[0][0]}:{wanted.locations[0][1]}: {_first(wanted.id)!r}"
        if found is None:
            problems.append(f"{where}: missing")
        else:
            problems.extend(f"{where}: {problem}"
                            for problem in message_problems(wanted, found, nplurals))
    return problems


def message_problems(wanted: Message, found: Message, nplurals: int) -> list[str]:
    """Empty, fuzzy, wrongly pluralised or placeholder-changing translation of one message."""
    if found.fuzzy:
        return ["fuzzy"]
    if isinstance(wanted.id, tuple) != isinstance(found.id, tuple) or (
            isinstance(wanted.id, tuple) and wanted.id != found.id):
        return ["plural form differs from the source (update the catalog)"]
    forms = found.string if isinstance(found.string, tuple) else (found.string,)
    if isinstance(wanted.id, tuple) and len(forms) != nplurals:
        return [f"{len(forms)} plural forms, {nplurals} needed"]
    if not all(forms):
        return ["not translated"]
    ids = wanted.id if isinstance(wanted.id, tuple) else (wanted.id,)
    allowed = {_placeholders(text) for text in ids}
    return [f"placeholders {sorted(_placeholders(form))} differ from the source's"
            for form in forms if _placeholders(form) not in allowed]


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(match.group(0) for match in PLACEHOLDER.finditer(text))


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id
