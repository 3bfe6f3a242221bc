"""A retried send never writes twice: the CRM wrote, then the answer was lost (late, dropped,
HTTP 500, garbage), and the retry finds the record instead of writing again; a form sent a second
time after it succeeded (double click, back and send again) only shows the result."""

from __future__ import annotations

import pytest

from tests.faults.helpers import (ALREADY_SENT, FORM_KEPT, FOUND_SENT, break_crm,
                                  error_message, form_of, form_values, heal_crm, send_again)
from tests.integration.conftest import flash_texts, page

NEW_FORM = "//form[contains(@class,'ticket-form')]"
COMMENT_FORM = "//form[contains(@class,'comment-form')]"
TT1 = 12
TYPED = {"title": "Valve drips", "description": "One drop a second.", "priority": "Normal"}
#: Ways the answer can be lost after the CRM has written.
AFTER_THE_WRITE = ["delay", "drop", "http500", "garbage", "truncate"]


def count(stub_crm, sql: str, value: str) -> int:
    return stub_crm.store.scalar(sql, (value,))


def tickets_titled(stub_crm, title: str) -> int:
    return count(stub_crm, "SELECT count(*) FROM tickets WHERE title = ?", title)


def sent_form(customer, path: str, xpath: str, typed: dict[str, str]):
    """Open the form, type, send; returns (form values sent, response)."""
    form = form_of(customer.get(path), xpath)
    data = {**form_values(form), **typed}
    return data, customer.browser.post(f"{customer.portal_url}{form.get('action')}", data=data)


@pytest.mark.parametrize("fault", AFTER_THE_WRITE)
def test_a_ticket_that_reached_the_crm_is_not_created_again(stub_crm, proxy, customer, fault):
    break_crm(proxy, fault, operation="create_ticket", forward_first=True)
    _, failed = sent_form(customer, "/tickets/new", NEW_FORM, TYPED)
    assert failed.status_code == 503
    assert error_message(failed) == FORM_KEPT
    proxy.wait_idle()
    assert tickets_titled(stub_crm, TYPED["title"]) == 1  # it did arrive
    heal_crm(proxy)
    retried = send_again(customer, failed, NEW_FORM)
    assert retried.status_code == 200
    assert flash_texts(retried) == [FOUND_SENT]
    assert page(retried).xpath("normalize-space(//span[@class='ticket-title'])") == "Valve drips"
    assert tickets_titled(stub_crm, TYPED["title"]) == 1


def test_an_older_ticket_with_the_same_title_is_not_taken_for_the_lost_one(stub_crm, proxy,
                                                                           customer):
    customer.submit("/tickets/new", "/tickets/new", TYPED)  # an earlier, real ticket
    break_crm(proxy, "http500", operation="create_ticket")  # this time nothing arrives
    _, failed = sent_form(customer, "/tickets/new", NEW_FORM, TYPED)
    heal_crm(proxy)
    retried = send_again(customer, failed, NEW_FORM)
    assert flash_texts(retried) == ["Your ticket has been created."]
    assert tickets_titled(stub_crm, TYPED["title"]) == 2


@pytest.mark.parametrize("fault", ["drop", "http500"])
def test_a_ticket_comment_that_reached_the_crm_is_not_added_again(stub_crm, proxy, customer,
                                                                  fault):
    text = f"Replaced the seal ({fault})."
    break_crm(proxy, fault, operation="update_ticket_comment", forward_first=True)
    _, failed = sent_form(customer, f"/tickets/{TT1}", COMMENT_FORM, {"comment": text})
    assert failed.status_code == 503
    heal_crm(proxy)
    retried = send_again(customer, failed, COMMENT_FORM)
    assert flash_texts(retried) == [FOUND_SENT]
    assert count(stub_crm, "SELECT count(*) FROM ticket_comments WHERE content = ?", text) == 1


def test_a_faq_comment_that_reached_the_crm_is_not_added_again(stub_crm, proxy, customer):
    faq = stub_crm.store.scalar("SELECT min(id) FROM faqs WHERE status = 'Published'")
    text = "Worked for me after a restart."
    break_crm(proxy, "garbage", operation="save_faq_comment", forward_first=True)
    _, failed = sent_form(customer, f"/faq/{faq}", COMMENT_FORM, {"comment": text})
    assert failed.status_code == 503
    heal_crm(proxy)
    retried = send_again(customer, failed, COMMENT_FORM)
    assert flash_texts(retried) == [FOUND_SENT]
    assert count(stub_crm, "SELECT count(*) FROM faq_comments WHERE comment = ?", text) == 1


def test_sending_a_successful_form_again_only_shows_the_result(stub_crm, customer):
    data, first = sent_form(customer, "/tickets/new", NEW_FORM, TYPED)
    assert flash_texts(first) == ["Your ticket has been created."]
    again = customer.browser.post(f"{customer.portal_url}/tickets/new", data=data)
    assert again.url == first.url
    assert flash_texts(again) == [ALREADY_SENT]
    assert tickets_titled(stub_crm, TYPED["title"]) == 1


def test_sending_a_successful_comment_again_only_shows_the_result(stub_crm, customer):
    text = "Thanks, fixed."
    data, first = sent_form(customer, f"/tickets/{TT1}", COMMENT_FORM, {"comment": text})
    again = customer.browser.post(f"{customer.portal_url}/tickets/{TT1}/comments", data=data)
    assert flash_texts(again) == [ALREADY_SENT]
    assert count(stub_crm, "SELECT count(*) FROM ticket_comments WHERE content = ?", text) == 1


def test_a_token_of_another_form_or_a_forged_one_gives_no_shortcut(stub_crm, customer):
    data, first = sent_form(customer, f"/tickets/{TT1}", COMMENT_FORM, {"comment": "One."})
    ticket = {**TYPED, "csrf_token": data["csrf_token"], "submission": data["submission"]}
    created = customer.browser.post(f"{customer.portal_url}/tickets/new", data=ticket)
    assert flash_texts(created) == ["Your ticket has been created."]
    forged = {**ticket, "submission": data["submission"][:-2] + "xx"}
    again = customer.browser.post(f"{customer.portal_url}/tickets/new", data=forged)
    assert flash_texts(again) == ["Your ticket has been created."]
    assert tickets_titled(stub_crm, TYPED["title"]) == 2
