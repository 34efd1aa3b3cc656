"""The day and the price-age threshold that estimate and recommend check against."""

from __future__ import annotations

import datetime as dt
import os

from llmplan.catalog.provenance import DEFAULT_MAX_PRICE_AGE_DAYS
from llmplan.pricing.reports import Notices
from llmplan.units import parse_days

MAX_PRICE_AGE_VAR = "LLMPLAN_MAX_PRICE_AGE"


def notices(environ=os.environ) -> Notices:
    """Today (UTC) and LLMPLAN_MAX_PRICE_AGE (180d when unset; e.g. 90d, 26w, 1y)."""
    raw = environ.get(MAX_PRICE_AGE_VAR, "").strip()
    days = parse_days(raw, MAX_PRICE_AGE_VAR) if raw else DEFAULT_MAX_PRICE_AGE_DAYS
    return Notices(dt.datetime.now(dt.timezone.utc).date(), days)
