"""The rules behind drafts and retries, without servers: which comments count as new since the
form was shown, and which status and explanation each kind of CRM failure gets."""

from __future__ import annotations

import pytest

from portalclient.crm.errors import (CrmError, CrmHttpError, CrmTimeout, CrmUnavailable,
                                     MalformedResponse, UnexpectedResponse)
from portalclient.drafts import found_among_new, same_text
from portalclient.crm.transport import ResponseTooLarge
from portalclient.errors import crm_failure_message, crm_failure_status


def test_only_comments_added_since_the_form_was_shown_count():
    shown = ["Old one", "Thanks"]  # what the page showed: the baseline is 2
    now = ["Thanks", "Someone else", *shown]  # newest first: two were added since
    assert found_among_new(now, 2, "Thanks")
    assert not found_among_new(now, 2, "Old one")
    assert not found_among_new(shown, 2, "Thanks")
    assert not found_among_new([], 0, "Thanks")


def test_line_breaks_and_spaces_do_not_make_a_comment_different():
    assert same_text("Line one\r\nLine  two ", "Line one\nLine two")
    assert not same_text("Line one", "Line one two")


@pytest.mark.parametrize("exc, status, message", [
    (CrmTimeout("slow"), 503, "The support system did not answer in time."),
    (CrmHttpError("500", status=500), 503, "The support system answered with an error."),
    (MalformedResponse("garbage"), 503, "The support system gave an answer we could not use."),
    (ResponseTooLarge("huge"), 503, "The support system gave an answer we could not use."),
    (CrmUnavailable("refused"), 503, None),
    (UnexpectedResponse("odd shape"), 502, None),
    (CrmError("other"), 502, None),
])
def test_each_crm_failure_has_its_status_and_explanation(exc, status, message):
    assert crm_failure_status(exc) == status
    explanation = crm_failure_message(exc)
    assert (str(explanation).split(" Please")[0] if explanation else None) == message
