"""The oracle: every captured berliCRM answer decodes to exactly what PHP's nusoap client saw."""

from __future__ import annotations

from typing import Any

import pytest

from portalclient.crm.codec import decode_response
from portalclient.crm.errors import MalformedResponse, SoapFault
from tests.crm.conftest import TRACES_DIR, load_trace, trace_names

NAMES = trace_names()


def typed(value: Any) -> Any:
    """Tag every leaf with its type, so 1, 1.0, True and '1' never compare equal."""
    if isinstance(value, list):
        return ["list", [typed(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", [[k, typed(v)] for k, v in value.items()]]
    return [type(value).__name__, value]


def contains_bytes(value: Any) -> bool:
    """Whether a decoded value holds bytes anywhere (JSON cannot represent them)."""
    if isinstance(value, bytes):
        return True
    if isinstance(value, list):
        return any(contains_bytes(v) for v in value)
    if isinstance(value, dict):
        return any(contains_bytes(v) for v in value.values())
    return False


def test_every_trace_is_parametrized():
    # 169 cases as of the capture; the glob must see every file, each with its three siblings.
    assert len(NAMES) == len(list(TRACES_DIR.glob("*.response.xml"))) == 169
    assert len(list(TRACES_DIR.glob("*.decoded.json"))) == len(NAMES)
    assert len(list(TRACES_DIR.glob("*.meta.json"))) == len(NAMES)


def test_expectation_kinds_cover_all_traces():
    kinds = [next(iter(load_trace(n).decoded)) for n in NAMES]
    assert kinds.count("result") == 158
    assert kinds.count("fault") == 6
    assert kinds.count("http_body") == 5
    assert set(kinds) == {"result", "fault", "http_body"}


@pytest.mark.parametrize("name", NAMES)
def test_trace_decodes_like_php(name):
    trace = load_trace(name)
    expected = trace.decoded
    kwargs = dict(status=trace.status, content_type=trace.content_type, operation=name)
    if "result" in expected:
        value = decode_response(trace.response, **kwargs)
        assert not contains_bytes(value)  # no capture carries base64Binary; nothing to print
        assert typed(value) == typed(expected["result"])
    elif "fault" in expected:
        with pytest.raises(SoapFault) as caught:
            decode_response(trace.response, **kwargs)
        fault = expected["fault"]
        assert caught.value.faultcode == fault["faultcode"]
        assert caught.value.faultstring == fault["faultstring"]
        assert caught.value.faultactor == fault["faultactor"]
        assert caught.value.detail == fault["detail"]
        assert caught.value.operation == name
    else:
        assert expected in ({"http_body": "empty"},) or "parse_error" in expected
        with pytest.raises(MalformedResponse) as caught:
            decode_response(trace.response, **kwargs)
        assert caught.value.operation == name
