"""Looking at pages while the CRM is down, slow, failing or talking nonsense: a translated 503
page that says what went wrong (never a traceback), and the next look, once the CRM is back,
works without restarting anything."""

from __future__ import annotations

import pytest

from tests.faults.helpers import PAGE_FAULTS, break_crm, error_message, heal_crm
from tests.integration.conftest import page

TT1 = 12


@pytest.mark.parametrize("fault", sorted(PAGE_FAULTS))
def test_a_failing_crm_gives_a_clear_page_then_recovers(proxy, customer, fault):
    assert customer.get(f"/tickets/{TT1}").status_code == 200
    break_crm(proxy, fault)
    failed = customer.get(f"/tickets/{TT1}", params={"from": "home"})
    assert failed.status_code == 503
    assert page(failed).xpath("normalize-space(//h1)") == "Support system not reachable"
    assert error_message(failed) == PAGE_FAULTS[fault]
    assert page(failed).xpath("string(//a[@class='retry-link']/@href)") == \
        f"/tickets/{TT1}?from=home"
    assert "Traceback" not in failed.text
    heal_crm(proxy)
    again = customer.get(f"/tickets/{TT1}", params={"from": "home"})
    assert again.status_code == 200
    assert page(again).xpath("normalize-space(//span[@class='ticket-title'])") == \
        "Widget Pro does not start"


@pytest.mark.parametrize("fault", ["delay", "http500", "garbage"])
def test_the_fault_page_speaks_the_customers_language(proxy, customer, fault):
    customer.browser.headers["Accept-Language"] = "de"
    break_crm(proxy, fault)
    failed = customer.get(f"/tickets/{TT1}")
    assert failed.status_code == 503
    assert page(failed).xpath("string(/html/@lang)") == "de"
    assert page(failed).xpath("normalize-space(//h1)") == "Support-System nicht erreichbar"
    assert error_message(failed)


def test_only_the_failing_operation_fails_and_only_as_often_as_asked(proxy, customer):
    break_crm(proxy, "http500", operation="get_ticket_comments", times=1)
    assert customer.get(f"/tickets/{TT1}").status_code == 503
    assert customer.get(f"/tickets/{TT1}").status_code == 200
    assert proxy.operations.count("get_ticket_comments") == 2
