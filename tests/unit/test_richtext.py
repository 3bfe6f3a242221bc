"""Rich text: CRM FAQ answers decoded once, then shown only through the allow-list sanitizer."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from portalclient.crm import tables
from portalclient.pages.richtext import (ALLOWED_TAGS, LINK_REL, looks_like_html, plain_text,
                                         richtext, sanitize, summary)

REL = f'rel="{LINK_REL}"'


def test_script_and_its_content_are_removed():
    assert sanitize('<p>Hi</p><script>alert("x")</script><p>there</p>') == "<p>Hi</p><p>there</p>"


def test_event_handlers_style_class_and_id_are_removed():
    cleaned = sanitize('<p onclick="x()" style="color:red" class="big" id="p1">text</p>'
                       '<img src="https://cdn.example/a.png" onerror="alert(1)" alt="A">')
    assert cleaned == '<p>text</p><img src="https://cdn.example/a.png" alt="A">'


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "jav&#x09;ascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "/relative/path", "index.php?module=Faq",
])
def test_links_other_than_http_https_mailto_lose_their_target(href):
    assert sanitize(f'<a href="{href}">x</a>') == f"<a {REL}>x</a>"


@pytest.mark.parametrize("href", ["http://example.com/a", "https://example.com/a?b=1",
                                  "mailto:help@example.com"])
def test_safe_links_are_kept_with_rel(href):
    assert sanitize(f'<a href="{href}" target="_blank">x</a>') == f'<a href="{href}" {REL}>x</a>'


@pytest.mark.parametrize("src, kept", [
    ("https://cdn.example/a.png", True), ("http://cdn.example/a.png", False),
    ("data:image/png;base64,iVBORw0KGgo=", False), ("/local.png", False),
])
def test_images_only_from_https(src, kept):
    cleaned = sanitize(f'<img src="{src}" alt="pic">')
    assert ('src=' in cleaned) is kept
    assert "alt=\"pic\"" in cleaned


@pytest.mark.parametrize("tag", sorted(ALLOWED_TAGS - {"a", "img", "br", "table", "thead",
                                                       "tbody", "tr", "th", "td", "li"}))
def test_allowed_tags_are_kept(tag):
    assert sanitize(f"<{tag}>text</{tag}>") == f"<{tag}>text</{tag}>"


def test_lists_tables_and_line_breaks_are_kept():
    source = ('<ul><li>a</li></ul><ol start="3"><li>b</li></ol>line<br>break'
              '<table><thead><tr><th colspan="2">H</th></tr></thead>'
              '<tbody><tr><td rowspan="1">1</td><td>2</td></tr></tbody></table>')
    assert sanitize(source) == source


@pytest.mark.parametrize("source, expected", [
    ("<h1>Title</h1>", "Title"), ("<div><span>x</span></div>", "x"),
    ("<iframe src='https://evil.example'>inner</iframe>after", "after"),
    ("<style>p { color: red }</style>text", "text"), ("<!-- note -->text", "text"),
    ("<form action='https://evil.example'><input name='q'></form>", ""),
    ("<svg><script>alert(1)</script></svg>ok", "ok"),
])
def test_other_markup_is_dropped(source, expected):
    assert sanitize(source) == expected


def test_richtext_returns_markup_of_the_sanitized_html_only():
    result = richtext('<p>ok</p><script>bad()</script><b onmouseover="x">b</b>')
    assert isinstance(result, Markup)
    assert str(result) == "<p>ok</p><b>b</b>"


def test_plain_text_is_escaped_and_keeps_its_line_breaks():
    result = richtext("Step 1\nStep 2: press < and > & go\r\nStep 3\n")
    assert isinstance(result, Markup)
    assert str(result) == "Step 1<br>\nStep 2: press &lt; and &gt; &amp; go<br>\nStep 3"


def test_text_with_angle_brackets_but_no_tags_is_plain():
    assert not looks_like_html("if a < b and c > d")
    assert not looks_like_html("Press <Enter> or <Ctrl+C>")
    assert looks_like_html("<p>x</p>") and looks_like_html("a<br/>b")
    assert str(richtext("if a < b and c > d")) == "if a &lt; b and c &gt; d"


def test_inline_tags_do_not_split_words_or_add_spaces():
    assert summary("<p>Use the <strong>app</strong>, or <a href='https://x.example'>web</a>.</p>"
                   "<p>Wid<b>get</b></p>") == "Use the app, or web. Widget"


def test_plain_text_and_summary_drop_markup_but_keep_words_apart():
    answer = "<p>First &amp; one.</p><p>Second<script>hidden()</script></p><ul><li>third</li></ul>"
    assert plain_text(answer).split() == ["First", "&", "one.", "Second", "third"]
    assert summary(answer) == "First & one. Second third"
    assert summary("word " * 100, limit=20) == "word word word word…"
    assert plain_text("no tags\nhere") == "no tags\nhere"


def test_crm_answer_is_decoded_once_and_nl2br_removed():
    wire = ("&lt;p&gt;Use &lt;b&gt;reset&lt;/b&gt; &amp;amp; wait&lt;/p&gt;<br />\n"
            "&lt;ul&gt;&lt;li&gt;&amp;euro; 5&lt;/li&gt;&lt;/ul&gt;")
    faq = tables.faq({"id": "20", "faqno": "FAQ1", "question": "Q", "answer": wire})
    assert faq.answer_html == "<p>Use <b>reset</b> &amp; wait</p>\n<ul><li>&euro; 5</li></ul>"
    assert str(richtext(faq.answer_html)) == (
        "<p>Use <b>reset</b> &amp; wait</p>\n<ul><li>€ 5</li></ul>")


def test_crm_plain_answer_keeps_line_breaks_through_the_filter():
    wire = "Press &lt;Enter&gt; &laquo;twice&raquo;<br />\nthen <br />\r\nwait"
    faq = tables.faq({"id": "1", "answer": wire})
    assert faq.answer_html == "Press <Enter> «twice»\nthen \r\nwait"
    assert str(richtext(faq.answer_html)) == "Press &lt;Enter&gt; «twice»<br>\nthen <br>\nwait"


def test_inline_markup_without_blocks_keeps_the_lines():
    assert str(richtext("Use <b>reset</b>\nthen <i>wait</i>\n")) == (
        "Use <b>reset</b><br>\nthen <i>wait</i>")
    assert str(richtext("<p>one</p>\n<p>two</p>")) == "<p>one</p>\n<p>two</p>"
