"""Knowledge base and portal metadata: KBase, FAQ comments, modules, picklists, combos."""

from __future__ import annotations

from tests.stub.support import call, login, set_module, trace

FAQ_TIMES = ("faqcreatedtime", "faqmodifiedtime", "createdtime")


def _without_times(faqs):
    return [{k: v for k, v in faq.items() if k not in FAQ_TIMES} for faq in faqs]


def test_kbase_matches_the_trace_for_the_traced_faqs(ctx):
    categories, products, faqs = call(ctx, "get_KBase_details", login(ctx))
    expected = trace("get_KBase_details")
    assert categories == ["General", "Installation"]
    assert products == expected[1]
    assert _without_times(faqs[:3]) == _without_times(expected[2])
    assert faqs[0]["faqcreatedtime"] == faqs[0]["faqmodifiedtime"] == "2026-11-13 23:30:00"
    assert faqs[3]["answer"] == ("1. Fissare il sensore.<br />\n2. Collegare il cavo "
                                 "&laquo;USB-C&raquo;.<br />\n3. Avviare l&#039;app.")
    assert "Internal: pricing for 2027" not in [faq["question"] for faq in faqs]


def test_kbase_without_products_tab_omits_products(ctx):
    set_module(ctx, "Products", visible=0)
    _, products, faqs = call(ctx, "get_KBase_details", login(ctx))
    assert products == [] and all("product_id" not in faq for faq in faqs)
    assert call(ctx, "get_KBase_details", {"id": "4", "sessionid": "x"}) is None


def test_faq_comment_is_saved_and_the_kbase_returned(ctx):
    session = login(ctx)
    result = call(ctx, "save_faq_comment", {**session, "faqid": "21", "comment": "And Sundays?"})
    faq = next(faq for faq in result[2] if faq["id"] == "21")
    assert faq["comments"] == ["And Sundays?", "Are you also available on Saturdays?"]
    assert faq["createdtime"][0] == "2026-11-23 23:30:00"
    assert result == call(ctx, "get_KBase_details", session)


def test_blank_comments_and_unpublished_faqs_are_ignored(ctx):
    session = login(ctx)
    draft = ctx.store.scalar("SELECT id FROM faqs WHERE status = 'Draft'")
    call(ctx, "save_faq_comment", {**session, "faqid": "21", "comment": "  "})
    call(ctx, "save_faq_comment", {**session, "faqid": str(draft), "comment": "hello"})
    assert ctx.store.scalar("SELECT COUNT(*) FROM faq_comments") == 2
    assert call(ctx, "save_faq_comment", {"id": "4", "sessionid": "", "faqid": "21",
                                          "comment": "x"}) is None


def test_modules_in_admin_order(ctx):
    assert call(ctx, "get_modules") == trace("get_modules")
    assert call(ctx, "get_modules", "4") == trace("get_modules")
    set_module(ctx, "Documents", visible=0)
    assert call(ctx, "get_modules") == trace("get_modules.documents_hidden")
    set_module(ctx, "Faq", enabled=0)
    assert "Faq" not in call(ctx, "get_modules")


def test_show_all(ctx):
    assert call(ctx, "show_all", "HelpDesk") == "true"
    assert call(ctx, "show_all", "Tickets") == "true"
    assert call(ctx, "show_all", "Leads") == "false"
    set_module(ctx, "HelpDesk", show_related=0)
    assert call(ctx, "show_all", "Tickets") == "false"


def test_check_account_id(ctx):
    assert call(ctx, "get_check_account_id", "4") == "2"
    assert call(ctx, "get_check_account_id", "999") == ""
    assert call(ctx, "get_check_account_id", "4x") == ""


def test_picklists(ctx):
    session = login(ctx)
    assert call(ctx, "get_picklists", {**session, "picklist_name": "ticketstatus"}) == \
        trace("get_picklists.ticketstatus")
    assert call(ctx, "get_picklists", {**session, "picklist_name": "ticketpriorities"}) == \
        trace("get_picklists.ticketpriorities")
    assert call(ctx, "get_picklists", {**session, "picklist_name": "no_such_table"}) == []
    assert call(ctx, "get_picklists", {**session, "picklist_name": "x' OR 1"}) is None
    assert call(ctx, "get_picklists", {"id": "4", "sessionid": "x",
                                       "picklist_name": "ticketstatus"}) is None


def test_combo_values(ctx):
    result = call(ctx, "get_combo_values", login(ctx))
    expected = trace("get_combo_values")
    contract = ctx.store.scalar("SELECT id FROM service_contracts WHERE related_to = 2")
    assert result[:5] == expected[:5]
    assert result[5:] == [{"serviceid": [str(contract)]}, expected[6]]


def test_combo_values_sentinels_and_omitted_groups(ctx):
    set_module(ctx, "Products", visible=0)
    ctx.store.execute("DELETE FROM picklist_values WHERE picklist = 'ticketseverities'")
    result = call(ctx, "get_combo_values", login(ctx, "bob@acme.example", "bob123"))
    assert result[:2] == [{"productid": "#MODULE INACTIVE#"},
                          {"productname": "#MODULE INACTIVE#"}]
    assert [list(group)[0] for group in result] == [
        "productid", "productname", "ticketpriorities", "ticketcategories", "serviceid",
        "servicename"]
    set_module(ctx, "ServiceContracts", enabled=0)
    assert call(ctx, "get_combo_values", login(ctx))[-1] == {"servicename": "#MODULE INACTIVE#"}


def test_update_count(ctx):
    assert call(ctx, "updateCount", "35") == "1"
    assert call(ctx, "updateCount", "nonsense") == "1"
    assert ctx.store.scalar("SELECT download_count FROM documents WHERE id = 35") == 1
