"""Looking at pages while the CRM is down, slow, failing or talking nonsense: a clear translated
page with its own status (never a traceback), and the next look, once the CRM is back, works
without restarting anything."""

from __future__ import annotations

import pytest

from tests.faults.helpers import PAGE_FAULTS, break_crm, error_message, heal_crm
from tests.integration.conftest import page, table_rows


@pytest.mark.parametrize("fault", sorted(PAGE_FAULTS))
def test_a_failing_crm_gives_a_clear_page_then_recovers(proxy, customer, fault):
    assert customer.get("/tickets").status_code == 200
    break_crm(proxy, fault)
    failed = customer.get("/tickets", params={"state": "open"})
    status, message = PAGE_FAULTS[fault]
    assert failed.status_code == status
    assert error_message(failed) == message
    assert page(failed).xpath("string(//a[@class='retry-link']/@href)") == "/tickets?state=open"
    assert "Traceback" not in failed.text
    heal_crm(proxy)
    again = customer.get("/tickets", params={"state": "open"})
    assert again.status_code == 200
    assert table_rows(again, "ticket-list")[0][:2] == ["TT1", "Widget Pro does not start"]


@pytest.mark.parametrize("fault", ["delay", "http500", "garbage"])
def test_the_fault_page_speaks_the_customers_language(proxy, customer, fault):
    customer.browser.headers["Accept-Language"] = "de"
    break_crm(proxy, fault)
    failed = customer.get("/tickets")
    assert failed.status_code == PAGE_FAULTS[fault][0]
    assert page(failed).xpath("string(/html/@lang)") == "de"
    assert error_message(failed)


def test_only_the_failing_operation_fails_and_only_as_often_as_asked(proxy, customer):
    break_crm(proxy, "http500", operation="get_tickets_list", times=1)
    assert customer.get("/tickets").status_code == 502
    assert customer.get("/tickets").status_code == 200
    assert proxy.operations.count("get_tickets_list") >= 2
