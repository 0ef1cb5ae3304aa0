"""Periodic jobs of the inventory module (run by ``medtrace worker``).

``inventory.expiry_alerts`` (hourly): for every lot or serial unit with stock on hand that now
expires within one of ``THRESHOLDS`` days, or has expired, publish ``LotExpiryWindowEntered``
or ``LotExpired`` once per lot, expiry date and threshold; ``inventory_expiry_notice`` keeps
what was announced. A lot seen for the first time past several thresholds at once (the first
run, a receipt of short-dated stock) gets one event, for the most urgent threshold, and the
others are marked as announced. Days are counted in the plant's time zone (``uow.today()``),
as on the alerts page; a lot whose expiry date is corrected is announced again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.modules.inventory.alerts.models import ExpiryNotice
from medtrace.modules.inventory.events import LotExpired, LotExpiryWindowEntered
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs import JobSpec, register_job

#: days before expiry at which a lot "enters the window", widest first
THRESHOLDS = (alerts.DEFAULT_DAYS, 30)
EXPIRED = "expired"


def _crossed(days_left: int) -> list[str]:
    """The thresholds a lot with ``days_left`` has reached, most urgent first."""
    reached = [str(days) for days in sorted(THRESHOLDS) if days_left <= days]
    return ([EXPIRED] if days_left < 0 else []) + reached


def _event(group: dict[str, Any], threshold: str) -> LotExpired | LotExpiryWindowEntered:
    fields = {
        "item_id": group["item_id"], "item": group["item"], "lot_id": group["lot_id"],
        "lot": group["lot"], "unit_id": group["unit_id"], "serial": group["serial"],
        "expiry": dt.date.fromisoformat(str(group["expiry"])),
        "days_left": int(group["days_left"]), "quantity": Decimal(group["quantity"]),
        "uom": group["uom"],
        "locations": tuple(sorted({place["location"] for place in group["locations"]})),
    }
    if threshold == EXPIRED:
        return LotExpired(**fields)
    return LotExpiryWindowEntered(**fields, threshold_days=int(threshold))


def publish_expiry_alerts(uow: UnitOfWork) -> str:
    """The job: announce each newly crossed threshold once (see the module docstring)."""
    groups = alerts.expiring(uow, days=max(THRESHOLDS))
    published = 0
    for group in groups:
        object_id = group["unit_id"] or group["lot_id"]
        if object_id is None or group["expiry"] is None:
            continue
        expiry = dt.date.fromisoformat(str(group["expiry"]))
        crossed = _crossed(int(group["days_left"]))
        announced = set(uow.session.scalars(select(ExpiryNotice.threshold).where(
            ExpiryNotice.object_id == object_id, ExpiryNotice.expiry == expiry)))
        new = [threshold for threshold in crossed if threshold not in announced]
        if not new:
            continue
        if new[0] == crossed[0]:  # nothing more urgent was announced before
            uow.publish(_event(group, new[0]))
            published += 1
        for threshold in new:
            uow.session.add(ExpiryNotice(object_id=object_id, expiry=expiry,
                                         threshold=threshold, notified_at=uow.now()))
    uow.flush()
    return f"{published} expiry events, {len(groups)} lots in the window"


EXPIRY_ALERTS = register_job(JobSpec(
    name="inventory.expiry_alerts", every=dt.timedelta(hours=1), run=publish_expiry_alerts,
    description="Publish an event when stock of a lot enters the expiry window or expires."))
