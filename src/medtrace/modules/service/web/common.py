"""What every service page shares: rendering with the service's labels, running one service
call in one transaction with its refusal shown at each field in the user's language, and
reading form fields (trimmed and cut to a bound; the schemas refuse what is longer than they
allow).

The service's field messages are msgids (``N_("scan a serial unit")``), translated here; what
a message concerns (a lot's ``code``, a ``location``, the ``installation`` in the way, the
``shipped_on`` date) is shown after it. A refusal without fields that concerns one field (a
wrong signature password) is shown at that field."""

from __future__ import annotations

from typing import Any

from fastapi import Path, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from medtrace.modules.service import rules
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, set_locale, translate
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error, validation_failed
from medtrace.platform.web.templating import render

#: longest text read from a form field
SHORT = 500
LONG = 8000
#: the keys of an error that name what its message concerns, shown after it
DETAIL_KEYS = ("code", "location", "contained", "installation", "shipped_on")
#: refusals without a field that concern one field of the form
TITLE_FIELDS = {"MT-ESIGN-PASSWORD-WRONG": "password", "MT-ESIGN-LOCKED": "password",
                "MT-ESIGN-SIGNER-NOT-USER": "password"}
#: the names of the service's fields on the forms
FORM_NAMES = {"fitted_quantity": "quantity", "signature.password": "password",
              "signature": "password"}
Number = Path(min_length=1, max_length=40, description="The document's number")


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    context.setdefault("form", "")
    return render(request.app.state.templates, request, name, status_code=status,
                  order_statuses=rules.OrderStatus.labels(),
                  order_types=rules.OrderType.labels(),
                  warranty_states=rules.WarrantyState.labels(),
                  visit_statuses=rules.VisitStatus.labels(),
                  visit_outcomes=rules.VisitOutcome.labels(),
                  version_kinds=rules.VersionKind.labels(),
                  removed_to_labels=rules.RemovedTo.labels(),
                  warranty_bases=rules.WarrantyBasis.labels(),
                  installation_statuses=rules.InstallationStatus.labels(), **context)


def message(error: dict[str, Any], locale: str) -> str:
    """An error's message in the user's language, followed by the codes it concerns."""
    shown = translate(str(error.get("message", "")), locale)
    details = " ".join(str(error[k]) for k in DETAIL_KEYS if error.get(k) not in (None, ""))
    return f"{shown} ({details})" if details else shown


def _at(fields: dict[str, str], key: str, text: str) -> None:
    name = FORM_NAMES.get(key, key)
    if name not in fields:
        fields[name] = text
    elif text not in fields[name].split("; "):
        fields[name] = f"{fields[name]}; {text}"


def refusal(request: Request, exc: DomainError) -> dict[str, Any]:
    """The template context of a refused action: ``error``, ``error_code``, ``field_errors``
    under the names of the form's inputs and ``problems`` (the messages without a field),
    every message in the user's language."""
    context = form_error(request, exc)
    locale = request.state.locale
    fields: dict[str, str] = {}
    problems = []
    for error in exc.errors or []:
        key = str(error.get("field", ""))
        text = message(error, locale)
        if key:
            _at(fields, key, text)
        else:
            problems.append(text)
    if exc.code in TITLE_FIELDS and not fields:
        fields[TITLE_FIELDS[exc.code]] = translate(exc.title, locale)
    context["field_errors"] = fields
    context["problems"] = problems
    return context


def attempt(request: Request, action: Any, *, reason: str | None = None
            ) -> tuple[Any, dict[str, Any] | None]:
    """Run ``action`` in one transaction (call it in a worker thread): (its result, None), or
    (None, the refusal's context, see ``refusal``)."""
    set_locale(request.state.locale)
    try:
        with new_uow(request, reason=reason) as uow:
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
        _at(fields, (names or {}).get(path, path), str(shown["message"]))
    return {"error": translate(refused.title, locale), "error_code": refused.code,
            "field_errors": fields, "problems": []}


def required(request: Request, name: str) -> dict[str, Any]:
    """The refusal of an empty field the form needs, before anything runs."""
    locale = request.state.locale
    return {"error": translate(N_("Some fields are not valid."), locale), "error_code": None,
            "field_errors": {name: translate(N_("required"), locale)}, "problems": []}


def field(form: Any, name: str, limit: int = SHORT) -> str:
    """A form field's text, trimmed, at most ``limit`` characters."""
    value = form.get(name, "")
    return (value if isinstance(value, str) else "").strip()[:limit]


def fields(form: Any, names: tuple[str, ...], limit: int = SHORT) -> dict[str, str]:
    return {name: field(form, name, limit) for name in names}


def given(values: dict[str, str], *names: str) -> dict[str, str]:
    """The fields that were filled in (an empty field takes the schema's default)."""
    return {k: values[k] for k in names if values.get(k)}
