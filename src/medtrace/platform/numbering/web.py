"""Administration page for numbering rules: the rules with the number each would issue next,
and one form to define a rule or change it (with a preview of its next numbers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_
from medtrace.platform.numbering import service
from medtrace.platform.numbering.pattern import CHECKS, RESETS
from medtrace.platform.numbering.permissions import ADMIN_NUMBERING
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 100
RESET_LABELS = {"never": N_("never"), "yearly": N_("every year"), "monthly": N_("every month"),
                "daily": N_("every day")}
CHECK_LABELS = {"none": N_("none"), "gs1_mod10": N_("GS1 mod 10 check digit"),
                "iso7064_mod37_36": N_("ISO 7064 MOD 37,36 check character")}


def _next_of(uow: UnitOfWork, scope: str) -> str:
    try:
        shown = service.preview(uow, scope=scope, count=1)
    except DomainError:
        return ""
    return shown.numbers[0] if shown.numbers else "—"


def _page(request: Request, uow: UnitOfWork, *, values: dict[str, Any], status: int = 200,
          page: int = 1, **context: Any) -> HTMLResponse:
    rows, total = service.list_rules(uow, limit=PAGE, offset=(page - 1) * PAGE)
    upcoming: list[str] = []
    if values.get("pattern"):
        try:
            upcoming = service.preview(uow, scope=values.get("scope") or None,
                                       pattern=values["pattern"], reset=values.get("reset"),
                                       check=values.get("check"), count=3).numbers
        except DomainError:
            upcoming = []
    return render(request.app.state.templates, request, "numbering/rules.html",
                  status_code=status, rows=rows, total=total, page=page, page_size=PAGE,
                  next_numbers={r.scope: _next_of(uow, r.scope) for r in rows if r.active},
                  kinds=service.kinds(), resets=RESETS, checks=CHECKS,
                  reset_labels=RESET_LABELS, check_labels=CHECK_LABELS, values=values,
                  upcoming=upcoming, **context)


@router.get("/admin/numbering", response_class=HTMLResponse)
def rules(request: Request, scope: str | None = None, page: int = Query(1, ge=1, le=100_000),
          _: Actor = require(ADMIN_NUMBERING)) -> Response:
    with new_uow(request, write=False) as uow:
        rule = service.get_rule(uow, scope) if scope else None
        values: dict[str, Any] = {"scope": scope or "", "reset": "never", "check": "none",
                                  "active": True}
        if rule is not None:
            values = {"scope": rule.scope, "pattern": rule.pattern, "reset": rule.reset,
                      "check": rule.check_char, "description": rule.description,
                      "active": rule.active}
        return _page(request, uow, values=values, page=page)


@router.post("/admin/numbering", response_class=HTMLResponse)
async def save_rule(request: Request, _: Actor = require(ADMIN_NUMBERING)) -> Response:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in (
        "scope", "pattern", "reset", "check", "description", "reason")}
    values["active"] = form.get("active") == "on"

    def action(uow: UnitOfWork) -> str:
        return service.save_rule(uow, scope=values["scope"], pattern=values["pattern"],
                                 reset=values["reset"] or "never",
                                 check=values["check"] or "none",
                                 description=values["description"],
                                 active=values["active"]).scope

    scope, problem = await form_action(request, action, reason=values["reason"] or None)
    if problem is None:
        return RedirectResponse(f"/admin/numbering?scope={quote(scope or '')}&saved=1",
                                status_code=303)
    with new_uow(request, write=False) as uow:
        return _page(request, uow, values=values, status=422, **problem)
