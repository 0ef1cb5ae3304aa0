"""Dates as the application sees them: expiry and due dates are plant-local dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from medtrace.settings import Settings


def plant_today(settings: Settings | None = None) -> dt.date:
    """Today in the plant's time zone (the machine clock may already be on another date)."""
    zone = (settings or Settings(_env_file=None)).timezone  # type: ignore[call-arg]
    return dt.datetime.now(ZoneInfo(zone)).date()
