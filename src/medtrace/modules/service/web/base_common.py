"""What the installed-base pages share: rendering with the service labels, running one action in
one transaction with its refusal shown at each field in the user's language, and reading form
fields.

The service's field messages are msgids (``N_("in the future")``), translated here; the figures
a message concerns (the installation in the way, the shipment date) come as further keys of the
error and are shown after it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from medtrace.modules.service import rules
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import set_locale, translate
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error, validation_failed
from medtrace.platform.web.templating import render

#: the keys of an error that name what its message concerns, shown after it
DETAIL_KEYS = ("installation", "shipped_on")
#: longest text read from a form field; the schemas refuse what is longer than they allow
SHORT = 500
LONG = 4000


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  warranty_states=rules.WarrantyState.labels(),
                  warranty_bases=rules.WarrantyBasis.labels(),
                  order_types=rules.OrderType.labels(),
                  order_statuses=rules.OrderStatus.labels(),
                  visit_statuses=rules.VisitStatus.labels(),
                  visit_outcomes=rules.VisitOutcome.labels(),
                  version_kinds=rules.VersionKind.labels(),
                  removed_to_labels=rules.RemovedTo.labels(),
                  installation_statuses=rules.InstallationStatus.labels(), **context)


def message(error: dict[str, Any], locale: str) -> str:
    """An error's message in the user's language, followed by what it concerns."""
    shown = translate(str(error.get("message", "")), locale)
    details = " ".join(str(error[k]) for k in DETAIL_KEYS if error.get(k) not in (None, ""))
    return f"{shown} ({details})" if details else shown


def refusal(request: Request, exc: DomainError) -> dict[str, Any]:
    """The template context of a refused action: ``error``, ``error_code``, ``field_errors``
    under each field's name, every message in the user's language."""
    context = form_error(request, exc)
    locale = request.state.locale
    fields: dict[str, str] = {}
    for error in exc.errors or []:
        key = str(error.get("field", ""))
        text = message(error, locale)
        fields[key] = f"{fields[key]}; {text}" if key in fields else text
    context["field_errors"] = fields
    return context


def attempt(request: Request, action: Any) -> tuple[Any, dict[str, Any] | None]:
    """Run ``action`` in one transaction (call it in a worker thread): (its result, None), or
    (None, the refusal's context, see ``refusal``)."""
    set_locale(request.state.locale)  # messages translated while raised use the user's language
    try:
        with new_uow(request) as uow:
            return action(uow), None
    except DomainError as exc:
        return None, refusal(request, exc)


def pydantic_refusal(request: Request, exc: ValidationError,
                     names: dict[str, str] | None = None) -> dict[str, Any]:
    """A form the schema refused: each field's message in the user's language, under the name
    of the form's input (``names`` maps a schema path such as ``versions.0.version`` to it)."""
    locale = request.state.locale
    refused = validation_failed(exc, locale)
    fields: dict[str, str] = {}
    for error, shown in zip(exc.errors(), refused.errors or [], strict=True):
        path = ".".join(str(p) for p in error["loc"] if p != "body")
        key = (names or {}).get(path, path)
        text = str(shown["message"])
        fields[key] = f"{fields[key]}; {text}" if key in fields else text
    return {"error": translate(refused.title, locale), "error_code": refused.code,
            "field_errors": fields}


def field(form: Any, name: str, limit: int = SHORT) -> str:
    """A form field's text, trimmed, at most ``limit`` characters."""
    value = form.get(name, "")
    return (value if isinstance(value, str) else "").strip()[:limit]


def fields(form: Any, names: tuple[str, ...], limit: int = SHORT) -> dict[str, str]:
    return {name: field(form, name, limit) for name in names}


def given(values: dict[str, str], *names: str) -> dict[str, str]:
    """The fields that were filled in (an empty field takes the schema's default)."""
    return {k: values[k] for k in names if values.get(k)}
