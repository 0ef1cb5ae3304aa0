"""What every production page shares: rendering with the status labels, running one action in
one transaction with its refusal shown at each field in the user's language, and the words of
the service's field messages (fixed English phrases, translated here; the codes and figures
they concern come as further keys of the error: ``item``, ``equipment``, ``lot``...)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from medtrace.modules.production import rules
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, current_locale, translate
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error, validation_failed
from medtrace.platform.web.templating import render

#: the service's field messages, in words a user understands (msgids)
MESSAGES = {
    "unknown item": N_("unknown item"),
    "not a unit of the item": N_("not a unit of the item"),
    "repeated": N_("listed twice"),
    "the product itself": N_("the product itself"),
    "obsolete item": N_("obsolete item"),
    "not an alternative": N_("not an alternative"),
    "other base unit: give the factor": N_("another base unit: give the factor"),
    "taken": N_("already taken"),
    "not a version of this item": N_("not a version of this item"),
    "unknown work centre": N_("unknown work centre"),
    "unknown equipment": N_("unknown equipment"),
    "no limits": N_("give a lower or upper limit"),
    "below lower": N_("below the lower limit"),
    "unknown location": N_("unknown location"),
    "not an available-stock location": N_("not a location of available stock"),
    "not active": N_("the item is not active"),
    "whole pieces": N_("whole pieces only"),
    "unknown version": N_("no such BOM version"),
    "none released": N_("no released BOM version in effect"),
    "not released": N_("the BOM version is not released"),
    "short": N_("short of issuable stock"),
    "calibration overdue": N_("calibration overdue"),
    "maintenance overdue": N_("maintenance overdue"),
    "maintenance": N_("in maintenance"),
    "out_of_service": N_("out of service"),
    "unknown lot or serial": N_("no such lot or serial is recorded"),
    "ambiguous": N_("several items use this number: scan the UDI"),
    "a container": N_("scan the lot or unit, not its case"),
    "not a component": N_("not a component of this work order"),
    "substitute not approved": N_("substitute not approved for this work order"),
    "expired": N_("expired"),
    "quarantine": N_("in quarantine"),
    "on_hold": N_("on hold"),
    "rejected": N_("rejected"),
    "recalled": N_("recalled"),
    "not in stock at the line": N_("not in stock at the line location"),
    "scan the serial": N_("serialized: scan the unit"),
    "1 for a serial unit": N_("a serial unit is one piece"),
    "required": N_("required"),
    "product not serialized": N_("the product is not serialized"),
    "other work order": N_("belongs to another work order"),
    "not a valid serial": N_("not a valid serial number"),
    "nothing left": N_("all of it is returned already"),
    "more than issued": N_("more than is left of the issue"),
    "not a quarantine location": N_("not a quarantine location"),
    "serial taken": N_("serial number already used"),
    "already reported": N_("already reported"),
    "not the number of serials": N_("not the number of serials"),
    "not on the routing": N_("not an operation of the routing"),
    "not of this work order": N_("not of this work order"),
    "unknown": N_("unknown"),
    "unreadable": N_("not a result of this check"),
    "not you": N_("sign as yourself"),
    "passed or decided": N_("passed, or decided already"),
    "more than in stock": N_("more than is in stock"),
    "not an allowed substitute": N_("not a substitute the BOM allows"),
    "performed production steps": N_("performed production steps of this batch"),
    "in the future": N_("in the future"),
    "before performed_on": N_("before the work was done"),
    "not a past moment": N_("not a past moment"),
    "failed check without disposition": N_("a failed check has no disposition"),
    "not in quarantine": N_("the lot is not in quarantine"),
    "not complete": N_("the work order is not complete"),
    "component on hold or recalled": N_("a component is on hold or recalled"),
    "not produced here": N_("not produced by a work order"),
    "not returned": N_("material not returned"),
    "none": N_("nothing produced"),
}
#: the keys of an error that name what a message concerns, shown after it
DETAIL_KEYS = ("item", "serial", "equipment", "lot", "component", "work_order", "bom", "location",
               "result", "short", "uom")


def message(error: dict[str, Any], locale: str) -> str:
    """An error's message in the user's language, followed by the codes it concerns."""
    text = str(error.get("message", ""))
    known = MESSAGES.get(text)
    shown = translate(known, locale) if known else text
    details = " ".join(str(error[k]) for k in DETAIL_KEYS if error.get(k))
    return f"{shown} ({details})" if details else shown


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  order_statuses=rules.WorkOrderStatus.labels(),
                  bom_statuses=rules.BomStatus.labels(),
                  equipment_statuses=rules.EquipmentStatus.labels(),
                  record_kinds=rules.EquipmentRecordKind.labels(),
                  record_results=rules.EquipmentResult.labels(),
                  dispositions=rules.Disposition.labels(),
                  signature_needs=rules.SignatureNeed.labels(),
                  check_kinds=rules.CheckKind.labels(), **context)


def attempt(request: Request, action: Any) -> tuple[Any, dict[str, Any] | None]:
    """Run ``action`` in one transaction: (its result, None), or (None, the refusal's context:
    ``error``, ``error_code``, ``field_errors`` under each field's whole path such as
    ``lines.2.item``, and ``problems``, every message in the user's language)."""
    try:
        with new_uow(request) as uow:
            return action(uow), None
    except DomainError as exc:
        context = form_error(request, exc)
        locale = request.state.locale
        fields: dict[str, str] = {}
        problems = []
        for error in exc.errors or []:
            key = str(error.get("field", ""))
            text = message(error, locale)
            problems.append(text)
            fields[key] = f"{fields[key]}; {text}" if key in fields else text
        context["field_errors"] = fields
        context["problems"] = problems
        return None, context


def pydantic_refusal(request: Request, exc: ValidationError) -> dict[str, Any]:
    """A form the schema refused: each field's message in the user's language."""
    refused = validation_failed(exc, current_locale())
    return {"error": translate(refused.title, request.state.locale), "error_code": refused.code,
            "field_errors": {".".join(str(p) for p in e["loc"] if p != "body"): m["message"]
                             for e, m in zip(exc.errors(), refused.errors, strict=True)},
            "problems": []}
