"""What every sales page shares: rendering with the status labels, running one action in one
transaction with its refusal shown at each field in the user's language, and reading form
fields.

The service's field messages are msgids already (``N_("unknown customer")``), translated here;
the licence reasons of ``partners`` come translated when they are raised (the locale of the
request is set in the worker thread first). The figures a message concerns come as further
keys of the error (``needed``, ``available``, ``outstanding``, a lot's ``code``) and are shown
after it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from medtrace.modules.sales import rules
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, set_locale, translate
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error, validation_failed
from medtrace.platform.web.templating import render

#: the keys of an error that name what its message concerns, shown after it
DETAIL_KEYS = ("code", "needed", "available", "outstanding")
#: longest text read from a form field; the schemas refuse what is longer than they allow
SHORT = 500
LONG = 4000
MAX_ID = 2**63 - 1


def message(error: dict[str, Any], locale: str) -> str:
    """An error's message in the user's language, followed by the codes and figures it
    concerns."""
    shown = translate(str(error.get("message", "")), locale)
    if error.get("days_left") is not None and error.get("minimum") is not None:
        shown += " (" + translate(N_("%(left)s days left, the customer accepts %(minimum)s"),
                                  locale, left=error["days_left"],
                                  minimum=error["minimum"]) + ")"
    keys = [k for k in DETAIL_KEYS if k != "code" or error.get("type") != "licence"]
    details = " ".join(str(error[k]) for k in keys if error.get(k) not in (None, ""))
    return f"{shown} ({details})" if details else shown


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  order_statuses=rules.OrderStatus.labels(),
                  pick_statuses=rules.PickStatus.labels(),
                  package_kinds=rules.PackageKind.labels(),
                  shipment_statuses=rules.ShipmentStatus.labels(),
                  return_statuses=rules.ReturnStatus.labels(),
                  dispositions=rules.Disposition.labels(),
                  short_reasons=rules.SHORT_REASONS, **context)


def refusal(request: Request, exc: DomainError) -> dict[str, Any]:
    """The template context of a refused action: ``error``, ``error_code``, ``field_errors``
    under each field's whole path (``lines.2.item``) and ``problems``, every message in the
    user's language."""
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
    return context


def attempt(request: Request, action: Any, *, reason: str | None = None
            ) -> tuple[Any, dict[str, Any] | None]:
    """Run ``action`` in one transaction (call it in a worker thread): (its result, None), or
    (None, the refusal's context, see ``refusal``)."""
    set_locale(request.state.locale)  # messages translated while raised use the user's language
    try:
        with new_uow(request, reason=reason) as uow:
            return action(uow), None
    except DomainError as exc:
        return None, refusal(request, exc)


def pydantic_refusal(request: Request, exc: ValidationError) -> dict[str, Any]:
    """A form the schema refused: each field's message in the user's language."""
    locale = request.state.locale
    refused = validation_failed(exc, locale)
    return {"error": translate(refused.title, locale), "error_code": refused.code,
            "field_errors": {".".join(str(p) for p in e["loc"] if p != "body"): m["message"]
                             for e, m in zip(exc.errors(), refused.errors, strict=True)},
            "problems": []}


def required(request: Request, name: str, title: str = N_("Some fields are not valid.")
             ) -> dict[str, Any]:
    """The refusal of an empty field the form needs, before anything runs."""
    locale = request.state.locale
    return {"error": translate(title, locale), "error_code": None,
            "field_errors": {name: translate(N_("required"), locale)}, "problems": []}


def rekey(fields: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Field messages under the names of the form's inputs."""
    out: dict[str, str] = {}
    for key, text in fields.items():
        name = names.get(key, key)
        out[name] = f"{out[name]}; {text}" if name in out else text
    return out


def field(form: Any, name: str, limit: int = SHORT) -> str:
    """A form field's text, trimmed, at most ``limit`` characters."""
    value = form.get(name, "")
    return (value if isinstance(value, str) else "").strip()[:limit]


def fields(form: Any, names: tuple[str, ...], limit: int = SHORT) -> dict[str, str]:
    return {name: field(form, name, limit) for name in names}


def given(values: dict[str, str], *names: str) -> dict[str, str]:
    """The fields that were filled in (an empty field takes the schema's default)."""
    return {k: values[k] for k in names if values.get(k)}


def ids(form: Any, name: str, limit: int = 1000) -> list[int]:
    """The ids of the checked boxes ``name`` (numbers only, within range)."""
    found = []
    for value in form.getlist(name)[:limit]:
        text = str(value).strip()
        if text.isdigit() and 0 < int(text) <= MAX_ID:
            found.append(int(text))
    return found
