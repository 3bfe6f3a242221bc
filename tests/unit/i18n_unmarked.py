"""Detectors for customer-visible text that is not marked for translation.

Templates: Jinja's lexer separates literal template text from tags; text inside
``{% trans %}`` and everything a tag prints is replaced by a mark, then the remaining HTML is
read for text nodes and the attributes people read (title, alt, placeholder, aria-label, the
value of buttons). String literals with words inside tags must be arguments of a gettext call.
Python: string literals handed to ``flash``/``abort`` or to keywords such as ``error=`` /
``message=``, and exceptions raised with a literal message in modules that render pages.

The stdlib HTMLParser reads the templates (not XML, and fragments full of tags): it reports the
line of every text node, which the message needs.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser

import jinja2

TAG_MARK = "\ue000"
LETTERS = re.compile(r"[^\W\d_]")
WORDS = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "label")
BUTTON_INPUTS = ("submit", "button", "reset")
SKIPPED_ELEMENTS = ("script", "style")
GETTEXT_CALLS = ("_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext")
#: ``{% block body_class %}`` and the like hold CSS class names, not text.
CLASS_BLOCK_SUFFIX = "class"
#: Text that is the same in every language.
ALLOWED_TEXT = frozenset({"©"})
#: Python keyword arguments whose string values reach a customer's page.
SHOWN_KEYWORDS = re.compile(r"^(.*_)?(error|message|label|title|hint|notice|heading|"
                            r"description|empty|placeholder)$")
#: Calls whose message argument (by position) reaches a customer's page.
SHOWN_ARGUMENTS = {"flash": 0, "abort": 1}
PAGE_CALLS = ("render_template", "flash")

_LEXER_ENV = jinja2.Environment(extensions=["jinja2.ext.i18n"])


def template_problems(path: str, source: str) -> list[str]:
    """Unmarked text of one Jinja/HTML template, as "path:line: text"."""
    html, literal_problems = _strip_tags(source)
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    found = literal_problems + reader.found
    return [f"{path}:{line}: {text}" for line, text in sorted(found)]


def _strip_tags(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template's literal HTML, every tag and trans block replaced by the mark (keeping
    line numbers), and the string literals with words that no gettext call wraps."""
    parts: list[str] = []
    problems: list[tuple[int, str]] = []
    in_trans = False
    blocks: list[str] = []
    calls: list[bool] = []
    previous = ("", "")
    for lineno, kind, value in _LEXER_ENV.lex(source):
        missing = lineno - 1 - "".join(parts).count("\n")
        if missing > 0 and kind != "data":
            parts.append("\n" * missing)
        if kind == "name" and previous[0] == "block_begin":
            in_trans = value in ("trans", "pluralize") or (in_trans and value != "endtrans")
            if value == "endblock" and blocks:
                blocks.pop()
        elif kind == "name" and previous == ("name", "block"):
            blocks.append(value)
        if kind == "data":
            hidden = in_trans or (blocks and blocks[-1].endswith(CLASS_BLOCK_SUFFIX))
            parts.append(_masked(value) if hidden else value)
        elif kind in ("variable_begin", "block_begin"):
            parts.append(TAG_MARK)
            calls = []
        elif kind == "operator" and value == "(":
            calls.append(previous[0] == "name" and previous[1] in GETTEXT_CALLS)
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        elif kind == "string" and WORDS.search(value) and not any(calls) \
                and previous[1] not in ("==", "!=", "in"):
            problems.append((lineno, value))
        if kind not in ("whitespace",):
            previous = (kind, value)
    return "".join(parts), problems


def _masked(text: str) -> str:
    """Translated text replaced by the mark, newlines kept for line numbers."""
    return "\n".join(TAG_MARK for _line in text.split("\n"))


class _TextReader(HTMLParser):
    """Collects (line, text) of literal text nodes and read attributes that contain letters."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        values = dict(attrs)
        names = list(READ_ATTRIBUTES)
        if tag == "button" or (tag == "input" and values.get("type") in BUTTON_INPUTS):
            names.append("value")
        for name in names:
            self._check(self.getpos()[0], values.get(name) or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        first = LETTERS.search(data)
        line = self.getpos()[0] + (data[:first.start()].count("\n") if first else 0)
        self._check(line, data)

    def _check(self, line: int, text: str) -> None:
        shown = " ".join(text.replace(TAG_MARK, " ").split())
        if shown and LETTERS.search(shown) and shown not in ALLOWED_TEXT:
            self.found.append((line, shown))


def python_problems(path: str, source: str) -> list[str]:
    """Literal strings a customer would read, in one Python module, as "path:line: text"."""
    tree = ast.parse(source)
    renders_pages = any(_call_name(node) in PAGE_CALLS for node in ast.walk(tree)
                        if isinstance(node, ast.Call))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.extend(_call_literals(node))
        elif isinstance(node, ast.Raise) and renders_pages and isinstance(node.exc, ast.Call):
            found.extend((arg.lineno, _text(arg)) for arg in node.exc.args if _is_words(arg))
    return [f"{path}:{line}: {text!r}" for line, text in sorted(found)]


def _call_literals(call: ast.Call) -> list[tuple[int, str]]:
    shown = []
    position = SHOWN_ARGUMENTS.get(_call_name(call))
    if position is not None and len(call.args) > position and _is_words(call.args[position]):
        shown.append(call.args[position])
    shown.extend(keyword.value for keyword in call.keywords
                 if keyword.arg and SHOWN_KEYWORDS.match(keyword.arg) and _is_words(keyword.value))
    return [(node.lineno, _text(node)) for node in shown]


def _call_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def _is_words(node: ast.AST) -> bool:
    """A str literal or f-string with letters (what a reader would read as a sentence)."""
    return bool(LETTERS.search(_text(node))) if isinstance(node, (ast.Constant, ast.JoinedStr)) \
        and (not isinstance(node, ast.Constant) or isinstance(node.value, str)) else False


def _text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(part.value for part in getattr(node, "values", ())
                   if isinstance(part, ast.Constant) and isinstance(part.value, str))
