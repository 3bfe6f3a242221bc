"""Sending a ticket or a comment while the CRM fails: the form comes back with everything typed
and a translated explanation (503); its send button is the one-click retry, which then works."""

from __future__ import annotations

import pytest

from tests.faults.helpers import (FILES_NOT_KEPT, FORM_KEPT, FOUND_SENT, break_crm,
                                  error_message, form_of, form_values, heal_crm, send_again)
from tests.integration.conftest import flash_texts, page

NEW_FORM = "//form[contains(@class,'ticket-form')]"
COMMENT_FORM = "//form[contains(@class,'comment-form')]"
RESEND_FORM = "//form[contains(@class,'resend-form')]"
TT1 = 12
TYPED = {"title": "Pump hums at night", "description": "Since Monday.\nLoud after 22:00.",
         "priority": "High", "severity": "Minor", "category": "Small Problem", "product": "7"}
#: Faults whose request never reaches the stub: nothing is written until the retry.
LOST_BEFORE_THE_CRM = ["down", "drop", "truncate", "http500", "empty200", "garbage", "half_xml"]


def tickets_titled(stub_crm, title: str) -> int:
    return stub_crm.store.scalar("SELECT count(*) FROM tickets WHERE title = ?", (title,))


def comments_saying(stub_crm, text: str) -> int:
    return stub_crm.store.scalar("SELECT count(*) FROM ticket_comments WHERE content = ?", (text,))


def send_new_ticket_while(proxy, customer, fault: str, **kwargs):
    """Open the New Ticket form, then break the CRM, then send the typed ticket."""
    form = form_of(customer.get("/tickets/new"), NEW_FORM)
    break_crm(proxy, fault, **({} if fault == "down" else {"operation": "create_ticket"}))
    return customer.browser.post(f"{customer.portal_url}/tickets/new",
                                 data={**form_values(form), **TYPED}, **kwargs)


def assert_ticket_form_kept(response, message: str = FORM_KEPT) -> None:
    """The New Ticket form, shown again with every typed value and the explanation."""
    assert response.status_code == 503
    assert error_message(response) == message
    values = form_values(form_of(response, NEW_FORM))
    assert {name: values[name] for name in TYPED} == TYPED
    assert values["submission"]


@pytest.mark.parametrize("fault", LOST_BEFORE_THE_CRM)
def test_a_new_ticket_is_kept_and_sent_again_with_one_click(stub_crm, proxy, customer, fault):
    failed = send_new_ticket_while(proxy, customer, fault)
    assert_ticket_form_kept(failed)
    assert tickets_titled(stub_crm, TYPED["title"]) == 0
    heal_crm(proxy)
    sent = send_again(customer, failed, NEW_FORM)
    assert sent.status_code == 200
    assert flash_texts(sent) == ["Your ticket has been created."]
    assert page(sent).xpath("normalize-space(//span[@class='ticket-title'])") == TYPED["title"]
    assert tickets_titled(stub_crm, TYPED["title"]) == 1


def test_a_slow_crm_that_wrote_late_is_not_sent_twice(stub_crm, proxy, customer):
    failed = send_new_ticket_while(proxy, customer, "delay")
    assert_ticket_form_kept(failed)
    proxy.wait_idle()  # the CRM got the ticket after the portal had given up
    heal_crm(proxy)
    sent = send_again(customer, failed, NEW_FORM)
    assert sent.status_code == 200
    assert flash_texts(sent) == [FOUND_SENT]
    assert tickets_titled(stub_crm, TYPED["title"]) == 1


def test_the_form_says_that_chosen_files_must_be_chosen_again(stub_crm, proxy, customer):
    files = {"files": ("notes.txt", b"pump log\n", "text/plain")}
    failed = send_new_ticket_while(proxy, customer, "http500", files=files)
    assert_ticket_form_kept(failed, f"{FORM_KEPT} {FILES_NOT_KEPT}")


def test_the_form_is_german_for_a_german_customer(stub_crm, proxy, customer):
    customer.browser.headers["Accept-Language"] = "de"
    failed = send_new_ticket_while(proxy, customer, "garbage")
    assert failed.status_code == 503
    assert page(failed).xpath("string(/html/@lang)") == "de"
    assert form_values(form_of(failed, NEW_FORM))["description"] == TYPED["description"]


@pytest.mark.parametrize("fault", ["delay", "http500", "drop"])
def test_a_ticket_comment_is_kept_and_sent_again(stub_crm, proxy, customer, fault):
    text = f"Still humming ({fault}).\nEven louder."
    form = form_of(customer.get(f"/tickets/{TT1}"), COMMENT_FORM)
    break_crm(proxy, fault, operation="update_ticket_comment")
    failed = customer.browser.post(f"{customer.portal_url}/tickets/{TT1}/comments",
                                   data={**form_values(form), "comment": text})
    assert failed.status_code == 503
    assert error_message(failed) == FORM_KEPT
    assert form_values(form_of(failed, COMMENT_FORM))["comment"] == text
    proxy.wait_idle()
    heal_crm(proxy)
    sent = send_again(customer, failed, COMMENT_FORM)
    assert sent.status_code == 200
    assert comments_saying(stub_crm, text) == 1


def test_when_even_the_page_fails_the_error_page_offers_the_typed_comment(stub_crm, proxy,
                                                                          customer):
    text = "The pump stopped.\nNow it is silent."
    form = form_of(customer.get(f"/tickets/{TT1}"), COMMENT_FORM)
    break_crm(proxy, "down")
    failed = customer.browser.post(f"{customer.portal_url}/tickets/{TT1}/comments",
                                   data={**form_values(form), "comment": text})
    assert failed.status_code == 503
    assert error_message(failed) == FORM_KEPT
    resend = form_of(failed, RESEND_FORM)
    assert resend.get("action") == f"/tickets/{TT1}/comments"
    assert form_values(resend)["comment"] == text
    assert form_values(resend)["submission"] == form_values(form)["submission"]
    heal_crm(proxy)
    sent = send_again(customer, failed, RESEND_FORM)
    assert flash_texts(sent) == ["Your comment has been added."]
    assert comments_saying(stub_crm, text) == 1


def test_a_faq_comment_is_kept_and_sent_again(stub_crm, proxy, customer):
    faq = stub_crm.store.scalar("SELECT min(id) FROM faqs WHERE status = 'Published'")
    text = "Helpful, but step 3 is unclear."
    form = form_of(customer.get(f"/faq/{faq}"), COMMENT_FORM)
    break_crm(proxy, "empty200", operation="save_faq_comment")
    failed = customer.browser.post(f"{customer.portal_url}/faq/{faq}/comments",
                                   data={**form_values(form), "comment": text})
    assert failed.status_code == 503
    assert error_message(failed) == FORM_KEPT
    assert form_values(form_of(failed, COMMENT_FORM))["comment"] == text
    heal_crm(proxy)
    sent = send_again(customer, failed, COMMENT_FORM)
    assert flash_texts(sent) == ["Thank you, your comment has been added."]
    assert stub_crm.store.scalar("SELECT count(*) FROM faq_comments WHERE comment = ?",
                                 (text,)) == 1
