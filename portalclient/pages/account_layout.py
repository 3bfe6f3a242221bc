"""What base.html shows for the account area on every page: the support-period warning and the
operator's extra stylesheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portalclient.config import portal_config
from portalclient.session import current_customer, support_end

#: Warn this many days (or fewer) before the support period ends.
WARN_DAYS = 30


@dataclass(frozen=True)
class SupportNotice:
    """The support period ends soon: on ``end``, ``days_left`` days from today (0 = today)."""

    end: dt.date
    days_left: int


def support_notice(today: dt.date | None = None) -> SupportNotice | None:
    """A notice while the logged-in customer's support ends within WARN_DAYS, else None."""
    if current_customer() is None or not support_end():
        return None
    end = dt.date.fromisoformat(support_end())
    days_left = (end - (today or dt.date.today())).days
    if 0 <= days_left <= WARN_DAYS:
        return SupportNotice(end, days_left)
    return None


def layout_context() -> dict[str, object]:
    """Template globals for base.html: ``support_notice()`` and ``portal_extra_css``."""
    return {"support_notice": support_notice,
            "portal_extra_css": portal_config().branding.extra_css}
