"""Form posts on pages: run one business action in its own unit of work and turn a refusal
into what the form shows (a message in the user's language, per-field messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import translate, translate_known
from medtrace.platform.i18n.validation import message as validation_message
from medtrace.platform.web.deps import new_uow

T = TypeVar("T")


def form_error(request: Request, exc: DomainError) -> dict[str, Any]:
    """Template context for a refused action: message, code and per-field messages."""
    locale = request.state.locale
    title = translate(exc.title, locale)
    detail = (translate_known(exc.detail, locale) or "") if exc.detail else ""
    message = f"{title} {detail}" if detail and detail != title else title
    fields = {e.get("field", "").split(".")[-1]: e.get("message", "") for e in exc.errors or []}
    return {"error": message, "error_code": exc.code, "field_errors": fields}


async def form_action(
    request: Request, action: Callable[[UnitOfWork], T], *, reason: str | None = None
) -> tuple[T | None, dict[str, Any] | None]:
    """Run ``action`` in one transaction (off the event loop): (its result, None) when it
    committed, (None, form error context) when it was refused."""

    def work() -> tuple[T | None, dict[str, Any] | None]:
        try:
            with new_uow(request, reason=reason) as uow:
                return action(uow), None
        except DomainError as exc:
            return None, form_error(request, exc)

    return await run_in_threadpool(work)


def validation_failed(exc: Any, locale: str) -> DomainError:
    """A pydantic ``ValidationError`` of a form as ``ValidationFailed``, each field's message in
    the user's language."""
    from medtrace.platform.errors import ValidationFailed

    return ValidationFailed(errors=[
        {"field": str(error["loc"][-1]) if error.get("loc") else "",
         "message": validation_message(error["type"], error.get("ctx"), locale),
         "type": error["type"]} for error in exc.errors()])
