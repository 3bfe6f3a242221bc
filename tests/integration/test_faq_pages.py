"""FAQ pages against the stub CRM over HTTP: browse, search, article, comments, rich text."""

from __future__ import annotations

import datetime as dt

import requests
from babel.dates import format_datetime

from tests.integration.conftest import log_in_as, page

# The stub's seed (crm_stub/seed/a_core.py, c_faq.py): five published FAQs, one draft.
WIDGET_RESET = "How do I reset my Widget Pro?"
SUPPORT_HOURS = "What are your support hours?"
WARRANTY = "How long is the warranty?"
SENSOR_KIT = "Come si installa il Sensor Kit?"
WIFI = "How do I connect the Widget Pro to Wi-Fi?"
ALL_QUESTIONS = sorted([WIDGET_RESET, SUPPORT_HOURS, WARRANTY, SENSOR_KIT, WIFI],
                       key=str.casefold)

HTML_ANSWER = ('<p>Hold <strong>reset</strong> &amp; wait.</p>\n'
               '<ul><li>LED <em>green</em></li><li>done</li></ul>'
               '<script>alert("x")</script>'
               '<img src="x.png" onerror="alert(1)">'
               '<a href="javascript:alert(2)">bad link</a> '
               '<a href="https://example.com/help" onclick="alert(3)">good link</a>'
               '<p style="color:red" class="big">styled</p>')


def questions(response: requests.Response, list_id: str) -> list[str]:
    return [text.strip() for text in page(response).xpath(
        f"//ul[@id='{list_id}']//a[@class='faq-question']/text()")]


def topics(response: requests.Response, nav_id: str) -> list[tuple[str, str]]:
    nav = page(response).xpath(f"//nav[@aria-labelledby='{nav_id}']//li")
    return [(li.xpath("string(a)").strip(), li.xpath("string(span)").strip()) for li in nav]


def medium(when: str, locale: str = "en") -> str:
    """A CRM timestamp as the portal shows it (Babel, medium format)."""
    return format_datetime(dt.datetime.fromisoformat(when), "medium", locale=locale)


def faq_id(stub_crm, question: str) -> int:
    return stub_crm.store.scalar("SELECT id FROM faqs WHERE question = ?", (question,))


def set_modified(stub_crm, record_id: int, when: str) -> None:
    stub_crm.store.execute("UPDATE entities SET modified = ? WHERE id = ?", (when, record_id))


def test_landing_view_browses_categories_products_and_recent_articles(stub_crm, alice):
    set_modified(stub_crm, faq_id(stub_crm, WARRANTY), "2026-12-01 10:00:00")
    set_modified(stub_crm, faq_id(stub_crm, SUPPORT_HOURS), "2026-11-30 10:00:00")
    response = alice.get("/faq")
    assert response.status_code == 200
    assert topics(response, "faq-categories") == [("General", "(3)"), ("Installation", "(2)")]
    assert topics(response, "faq-products") == [
        ("Gadget Basic", "(1)"), ("Sensor Kit", "(1)"), ("Widget Pro", "(2)")]
    assert questions(response, "recent-articles")[:2] == [WARRANTY, SUPPORT_HOURS]
    assert questions(response, "articles") == ALL_QUESTIONS
    assert "Internal: pricing for 2027" not in response.text
    assert "FAQ" in page(response).xpath("//nav[@class='module-menu']//a/text()")


def test_browse_by_category_and_by_product(stub_crm, alice):
    installation = alice.get("/faq", params={"category": "Installation"})
    assert questions(installation, "articles") == [SENSOR_KIT, WIFI]
    assert questions(installation, "recent-articles") == []
    heading = "string(//h2[@id='faq-articles-heading'])"
    assert "Category: Installation" in page(installation).xpath(heading)
    widget = alice.get("/faq", params={"product": "7"})
    assert questions(widget, "articles") == [WIFI, WIDGET_RESET]
    assert "Product: Widget Pro" in page(widget).xpath(heading)
    assert alice.get("/faq", params={"product": "7 OR 1"}).status_code == 404


def test_search_covers_question_and_answer_but_not_markup(stub_crm, alice):
    stub_crm.store.execute("UPDATE faqs SET answer = ? WHERE id = 20", (HTML_ANSWER,))
    assert questions(alice.get("/faq", params={"q": "warranty"}), "articles") == [WARRANTY]
    assert questions(alice.get("/faq", params={"q": "LED green"}), "articles") == [WIDGET_RESET]
    assert questions(alice.get("/faq", params={"q": "collegare cavo"}), "articles") == [SENSOR_KIT]
    nothing = alice.get("/faq", params={"q": "strong"})
    assert questions(nothing, "articles") == []
    assert page(nothing).xpath("string(//p[@class='empty'])") == (
        "No articles match. Try other words or browse the categories.")
    scoped = alice.get("/faq", params={"q": "hours", "category": "Installation"})
    assert questions(scoped, "articles") == []


def test_paging_splits_long_lists(stub_crm, alice):
    for number in range(12):
        record_id = stub_crm.store.new_entity("Faq", 1)
        stub_crm.store.insert("faqs", id=record_id, faq_no=f"FAQX{number}",
                              question=f"Extra question {number:02d}", answer="Extra answer.",
                              category="General", status="Published")
    first = alice.get("/faq", params={"per_page": "10"})
    assert len(questions(first, "articles")) == 10
    assert len(questions(first, "recent-articles")) == 3
    second = alice.get("/faq", params={"per_page": "10", "page": "2"})
    assert len(questions(second, "articles")) == 7
    assert page(second).xpath("string(//p[contains(@class,'pager-range')])").strip() == (
        "Showing 11–17 of 17")


def test_article_shows_answer_category_product_dates_and_documents(stub_crm, alice):
    stub_crm.store.execute("UPDATE entities SET created = ?, modified = ? WHERE id = 20",
                           ("2026-03-04 05:06:07", "2026-04-05 06:07:08"))
    response = alice.get("/faq/20")
    assert response.status_code == 200
    article = page(response)
    assert article.xpath("string(//article//h1)") == WIDGET_RESET
    assert article.xpath("normalize-space(//div[contains(@class,'faq-answer')])") == (
        "Hold the reset button for 10 seconds until the LED blinks green.")
    assert article.xpath("string(//a[@class='faq-category'])") == "General"
    assert article.xpath("string(//a[@class='faq-product'])") == "Widget Pro"
    assert article.xpath("string(//a[@class='faq-product']/@href)") == "/faq?product=7"
    assert article.xpath("string(//dd[@class='faq-created'])") == medium("2026-03-04 05:06:07")
    assert article.xpath("string(//dd[@class='faq-modified'])") == medium("2026-04-05 06:07:08")
    assert medium("2026-03-04 05:06:07").startswith("Mar 4, 2026")
    manual = stub_crm.store.scalar("SELECT id FROM documents WHERE title = 'Widget Pro Manual'")
    links = article.xpath("//table[@id='faq-documents']//a")
    assert [(a.text, a.get("href")) for a in links] == [
        ("Widget Pro Manual", f"/documents/{manual}"),
        ("widget-pro-manual.txt", f"/documents/{manual}/download")]


def test_plain_text_answer_keeps_its_line_breaks(stub_crm, alice):
    response = alice.get(f"/faq/{faq_id(stub_crm, SENSOR_KIT)}")
    answer = page(response).xpath("//div[contains(@class,'faq-answer')]")[0]
    assert [text.strip() for text in answer.xpath("text()")] == [
        "1. Fissare il sensore.", "2. Collegare il cavo «USB-C».", "3. Avviare l'app."]
    assert len(answer.xpath("br")) == 2


def test_html_answer_is_shown_sanitized(stub_crm, alice):
    stub_crm.store.execute("UPDATE faqs SET answer = ? WHERE id = 20", (HTML_ANSWER,))
    response = alice.get("/faq/20")
    answer = page(response).xpath("//div[contains(@class,'faq-answer')]")[0]
    assert answer.xpath("string(p[1])") == "Hold reset & wait."
    assert answer.xpath("p[1]/strong/text()") == ["reset"]
    assert answer.xpath("ul/li/em/text()") == ["green"]
    assert answer.xpath("ul/li[2]/text()") == ["done"]
    assert answer.xpath(".//script") == []
    assert 'alert(' not in response.text
    assert answer.xpath("descendant::*/@*[name()='onerror' or name()='onclick'"
                        " or name()='style' or name()='class']") == []
    assert [(a.text, a.get("href"), a.get("rel")) for a in answer.xpath(".//a")] == [
        ("bad link", None, "noopener noreferrer nofollow"),
        ("good link", "https://example.com/help", "noopener noreferrer nofollow")]
    assert answer.xpath(".//img/@src") == []
    summary = page(alice.get("/faq")).xpath(
        "string(//li[@data-faq='20']//p[@class='faq-summary'])")
    assert summary == "Hold reset & wait. LED green done bad link good link styled"


def test_demo_rich_text_answer_keeps_its_formatting(stub_crm, alice):
    answer = page(alice.get(f"/faq/{faq_id(stub_crm, WIFI)}")).xpath(
        "//div[contains(@class,'faq-answer')]")[0]
    assert answer.xpath("p[1]/strong/text()") == ["Widget Pro app"]
    assert [li.text_content() for li in answer.xpath("ol/li")] == [
        "Hold the Wi-Fi button for 3 seconds.", "Choose your network in the app.",
        "Enter the network password."]
    assert answer.xpath("h4/text()") == ["What the LED tells you"]
    assert answer.xpath("table/tbody/tr/td/text()") == [
        "Blinking blue", "Searching for the network", "Red", "Wrong password"]
    assert [(a.get("href"), a.get("rel")) for a in answer.xpath(".//a")] == [
        ("https://docs.example.com/widget-pro/wifi", "noopener noreferrer nofollow")]
    assert questions(alice.get("/faq", params={"q": "wrong password"}), "articles") == [WIFI]


def test_comments_are_listed_newest_first_with_their_dates(stub_crm, alice):
    hours = faq_id(stub_crm, SUPPORT_HOURS)
    stub_crm.store.insert("faq_comments", faq_id=hours, comment="And on holidays?",
                          created="2026-12-24 09:30:00")
    comments = page(alice.get(f"/faq/{hours}")).xpath("//ol[@class='comment-list']/li")
    assert [c.xpath("string(p[@class='comment-text text-block'])") for c in comments] == [
        "And on holidays?", "Are you also available on Saturdays?"]
    assert comments[0].xpath("string(p[contains(@class,'comment-time')])") == (
        medium("2026-12-24 09:30:00"))


def test_adding_a_comment_stores_it_and_shows_it_at_once(stub_crm, alice):
    hours = faq_id(stub_crm, SUPPORT_HOURS)
    alice.get(f"/faq/{hours}")  # the knowledge base is now cached
    text = "Do you answer <b>mails</b> on Sundays?\nThanks!"
    response = alice.submit(f"/faq/{hours}", f"/faq/{hours}/comments", {"comment": text},
                            allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/faq/{hours}#comments"
    row = stub_crm.store.query_one(
        "SELECT comment FROM faq_comments WHERE faq_id = ? ORDER BY id DESC LIMIT 1", (hours,))
    assert row["comment"] == text
    after = alice.get(f"/faq/{hours}")
    first = page(after).xpath(
        "//ol[@class='comment-list']/li[1]/p[contains(@class,'comment-text')]")[0]
    assert first.text_content() == text
    assert page(after).xpath("//li[@role='status']/text()") == [
        "Thank you, your comment has been added."]


def test_a_refused_comment_keeps_the_text(stub_crm, alice):
    before = stub_crm.store.scalar("SELECT count(*) FROM faq_comments")
    for typed, message in (("   ", "Please write a comment first."),
                           ("x" * 4001, "Please keep your comment under 4000 characters.")):
        response = alice.submit("/faq/21", "/faq/21/comments", {"comment": typed})
        assert response.status_code == 400
        assert page(response).xpath("string(//*[@role='alert'])") == message
        assert page(response).xpath("string(//textarea[@name='comment'])") == typed
    forged = alice.browser.post(f"{alice.portal_url}/faq/21/comments", data={"comment": "forged"})
    assert forged.status_code == 400
    assert stub_crm.store.scalar("SELECT count(*) FROM faq_comments") == before


def test_unknown_unpublished_or_malformed_articles_are_not_found(stub_crm, alice):
    draft = faq_id(stub_crm, "Internal: pricing for 2027")
    for path in ("/faq/99999", "/faq/abc", "/faq/4", "/faq/12", f"/faq/{draft}"):
        assert alice.get(path).status_code == 404, path
    assert alice.submit("/faq/21", f"/faq/{draft}/comments",
                        {"comment": "peek"}).status_code == 404
    assert stub_crm.store.scalar("SELECT count(*) FROM faq_comments WHERE faq_id = ?",
                                 (draft,)) == 0


def test_faq_module_disabled_in_the_crm_is_not_found(stub_crm, browser, portal_url):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Faq'")
    customer = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    assert customer.get("/faq").status_code == 404
    assert customer.get("/faq/20").status_code == 404
    assert "FAQ" not in page(customer.get("/")).xpath("//nav[@class='module-menu']//a/text()")


def test_without_documents_module_the_article_has_no_documents_section(stub_crm, browser,
                                                                       portal_url):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Documents'")
    customer = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    response = customer.get("/faq/20")
    assert response.status_code == 200
    assert page(response).xpath("//section[@class='faq-documents']") == []


def test_german_faq_pages_render(stub_crm, alice):
    alice.browser.headers["Accept-Language"] = "de"
    stub_crm.store.execute("UPDATE entities SET created = ? WHERE id = 20",
                           ("2026-03-04 05:06:07",))
    index = alice.get("/faq")
    assert index.status_code == 200
    assert page(index).xpath("string(/html/@lang)") == "de"
    article = alice.get("/faq/20")
    assert article.status_code == 200
    assert page(article).xpath("string(//dd[@class='faq-created'])") == (
        medium("2026-03-04 05:06:07", "de"))
    assert medium("2026-03-04 05:06:07", "de").startswith("04.03.2026")
