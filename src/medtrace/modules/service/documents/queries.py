"""The data of a service report, as one plain dictionary the renderer draws: the order's view
(``service.queries.order_view``) with the plant (our company's names and time zone), the
moments in the plant's time zone, and every label the renderer needs in both languages (the
order's type and status, the warranty state, where removed parts went, the signature's
meaning)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medtrace.modules.service import queries, rules
from medtrace.modules.service.errors import OrderStateConflict
from medtrace.modules.service.service import get_order_or_raise
from medtrace.platform import esign
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import translate
from medtrace.platform.policy import COMPANY_NAME_EN, COMPANY_NAME_ZH, get_setting

#: the statuses whose orders have a report to print
REPORTED = (rules.OrderStatus.DONE, rules.OrderStatus.CLOSED)


def both(message: str) -> dict[str, str]:
    """``message`` (an English msgid) in Chinese and in English."""
    return {"zh": translate(message, "zh_CN"), "en": translate(message, "en")}


def _local(uow: UnitOfWork, value: str | None) -> str | None:
    """An ISO moment of the order's view in the plant's time zone, to the minute."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(uow.timezone).strftime("%Y-%m-%d %H:%M")


def _label(enum: type[LabelledEnum], value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    member = enum.parse(value)
    return both(member.label) if member is not None else {"zh": value, "en": value}


def service_report(uow: UnitOfWork, number: str) -> dict[str, Any]:
    """The service report of the order ``number``: its view, ``company`` (``name_zh``,
    ``name_en``), ``timezone`` (the plant's), ``started_on``, ``completed_on`` and the
    signature's ``signed_on`` in that zone, ``labels`` (``type``, ``status``, ``warranty``: each
    ``{"zh", "en"}``), each replacement's ``removed_to_label`` and each version's
    ``kind_label``, and the signature's ``meaning_label``. Raises OrderNotFound, and
    OrderStateConflict for an order that is not done or closed (it has no signed report)."""
    order = get_order_or_raise(uow, number)
    if order.status not in REPORTED:
        raise OrderStateConflict(
            f"{order.number} is {order.status}: a service report is made for a done or "
            "closed order")
    view = queries.order_view(uow, order)
    for replacement in view["replacements"]:
        replacement["removed_to_label"] = _label(rules.RemovedTo, replacement.get("removed_to"))
    for version in view["versions"]:
        version["kind_label"] = _label(rules.VersionKind, version.get("kind"))
        version["on"] = _local(uow, version.get("at"))
    signature = view.get("signature")
    if signature is not None:
        meanings = {m.code: {"zh": m.label_zh, "en": m.label_en}
                    for m in esign.list_meanings(uow, active_only=False)}
        code = str(signature.get("meaning") or "")
        signature["meaning_label"] = meanings.get(code) or {"zh": code, "en": code}
        signature["signed_on"] = _local(uow, signature.get("signed_at"))
    return {
        **view,
        "company": {"name_zh": get_setting(uow, COMPANY_NAME_ZH) or "",
                    "name_en": get_setting(uow, COMPANY_NAME_EN) or ""},
        "timezone": uow.timezone.key,
        "started_on": _local(uow, view.get("started_at")),
        "completed_on": _local(uow, view.get("completed_at")),
        "labels": {"type": _label(rules.OrderType, view.get("type")),
                   "status": _label(rules.OrderStatus, view.get("status")),
                   "warranty": _label(rules.WarrantyState, view.get("warranty"))},
    }
