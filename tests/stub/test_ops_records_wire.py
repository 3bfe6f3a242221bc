"""The real PHP portal's requests for the record operations, answered through the SOAP layer.

The trace requests carry Alice's (id 4) session of the capture; the test logs her in with that
session id, replays each request and checks the decoded answer's shape against the real one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from crm_stub.soap.decode import decode_element
from crm_stub.soap.dispatch import handle_soap

TRACES = Path(__file__).resolve().parents[1] / "crm" / "traces"
CASES = ["get_details.HelpDesk", "get_details.Contacts", "get_details.Accounts",
         "get_details.Products", "get_details.Services",
         "get_list_values.Contacts", "get_list_values.Invoice", "get_product_list_values",
         "get_service_list_values", "get_documents.faq", "get_filecontent_detail.HelpDesk"]


def replay(crm, name: str):
    request = (TRACES / f"{name}.request.xml").read_bytes()
    session = etree.fromstring(request).xpath("string(//*[local-name()='sessionid'])")
    crm.store.execute("UPDATE sessions SET session_id = ? WHERE contact_id = 4", (session,))
    reply = handle_soap(crm.ctx, request, content_type="text/xml; charset=UTF-8")
    assert reply.status == 200
    body = etree.fromstring(reply.body)[0]
    return decode_element(body[0][0])


def shape(value):
    """The value's structure: dict keys, list lengths, scalar types (str/int/float/None)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("name", CASES)
def test_answer_has_the_real_shape(crm, name):
    real = json.loads((TRACES / f"{name}.decoded.json").read_text("utf-8"))["result"]
    got = replay(crm, name)
    if name.startswith("get_details"):  # same fields, blocks and value types
        assert shape(got) == shape(real)
        assert [f["fieldlabel"] for f in got[0][next(iter(got[0]))]] == \
            [f["fieldlabel"] for f in real[0][next(iter(real[0]))]]
    elif name.startswith("get_filecontent_detail"):
        assert shape(got) == shape(real) and got[0]["filename"] == real[0]["filename"]
    else:  # same heads; row counts follow the stub's demo data
        assert [list(block) for block in got] == [list(block) for block in real]
        assert [block[next(iter(block))].get("head") for block in got] == \
            [block[next(iter(block))].get("head") for block in real]


def test_nonexistent_record_through_the_wire(crm):
    got = replay(crm, "get_details.HelpDesk.nonexistent_id")
    assert got == ["#NOT AUTHORIZED#"]
