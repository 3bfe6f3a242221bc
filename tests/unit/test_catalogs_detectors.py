"""The checks of test_catalogs.py can fail: each detector on a small bad sample."""

from __future__ import annotations

from babel.messages.catalog import Catalog

from tests.unit.i18n_lint import catalog_problems
from tests.unit.i18n_unmarked import python_problems, template_problems

BAD_TEMPLATE = """{% extends "base.html" %}
{% block body_class %}page-sample{% endblock %}
{% block content %}
<h1>{% trans %}Fine text{% endtrans %}</h1>
<p>Hello
  world</p>
<img src="{{ logo }}" alt="Company logo">
<input type="submit" value="Send now"><input type="hidden" name="a" value="kept as is">
<a title="{{ _('Translated') }}" aria-label="Open menu" class="menu-link">©</a>
{{ record_table(rows, empty="No tickets yet") }}
{{ _("Marked sentence") }} {{ ngettext("one file", "%(num)d files", n) }}
{% if status == 'In Progress' %}Closed{% endif %}
<script src="x.js">var a = "not text";</script><style>.a { color: red; }</style>
<!-- a comment here -->
{# a Jinja comment #}
<button>{{ label }}</button><button>Go</button>
{% endblock %}
"""

BAD_MODULE = '''
from flask import abort, flash, render_template

def view(n):
    flash("Saved it", "info")
    flash(_("Translated"), "info")
    abort(404, "No such ticket")
    abort(404)
    render_template("a.html", error="Bad input", status="x", upload_error=f"Too big: {n}")
    raise ValueError("not a number")

def helper():
    call(label="7", title="", name="A literal name")
'''

LIBRARY_MODULE = '''
def parse(name):
    raise ValueError(f"not a picklist name: {name!r}")
'''


def test_template_detector_finds_every_unmarked_text():
    assert template_problems("t.html", BAD_TEMPLATE) == [
        "t.html:5: Hello world",
        "t.html:7: Company logo",
        "t.html:8: Send now",
        "t.html:9: Open menu",
        't.html:10: "No tickets yet"',
        "t.html:12: Closed",
        "t.html:16: Go",
    ]


def test_template_detector_accepts_a_fully_marked_template():
    good = ('{% block body_class %}page-x{% endblock %}<p title="{{ _(\'Hi\') }}">'
            '{% trans n=2 %}One{% pluralize %}Many {{ n }}{% endtrans %}</p>')
    assert template_problems("t.html", good) == []


def test_python_detector_finds_literals_handed_to_customers():
    assert python_problems("m.py", BAD_MODULE) == [
        "m.py:5: 'Saved it'",
        "m.py:7: 'No such ticket'",
        "m.py:9: 'Bad input'",
        "m.py:9: 'Too big: '",
        "m.py:10: 'not a number'",
    ]


def test_python_detector_leaves_library_errors_alone():
    assert python_problems("lib.py", LIBRARY_MODULE) == []


def test_catalog_checker_names_each_kind_of_problem():
    fresh = Catalog()
    for message_id in ("Log in", "Log out", "Search", "Hello %(name)s",
                       ("%(num)d file", "%(num)d files"), ("one day", "%(num)d days")):
        fresh.add(message_id, None, [("portalclient/x.py", 3)])
    catalog = Catalog(locale="ru")
    catalog.add("Log in", "Войти")
    catalog.add("Search", "Поиск", flags=("fuzzy",))
    catalog.add("Hello %(name)s", "Здравствуйте, %(user)s")
    catalog.add(("%(num)d file", "%(num)d files"), ("%(num)d файл", "%(num)d файла"))
    catalog.add(("one day", "%(num)d days"), ("один день", "%(num)d дня", ""))
    assert catalog_problems(catalog, fresh, "ru") == [
        "portalclient/x.py:3: 'Log out': missing",
        "portalclient/x.py:3: 'Search': fuzzy",
        "portalclient/x.py:3: 'Hello %(name)s': placeholders ['%(user)s'] differ from the "
        "source's",
        "portalclient/x.py:3: '%(num)d file': 2 plural forms, 3 needed",
        "portalclient/x.py:3: 'one day': not translated",
    ]


def test_catalog_checker_wants_the_languages_number_of_plural_forms():
    catalog = Catalog(locale="ja")
    catalog.add("Log in", "ログイン")
    catalog._num_plurals = 2  # a header copied from an English catalog
    assert catalog_problems(catalog, Catalog(), "ja") == [
        "Plural-Forms has nplurals=2, ja needs 1"]
