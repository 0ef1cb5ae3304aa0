"""Partner pages: list with qualification badges, detail with documents (upload) and
first-operation approvals, the approvals queue with QA signing, expiring documents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from medtrace.modules.partners import rules, service
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.modules.partners.schemas import DocumentWrite
from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_for
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.i18n import N_
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error
from medtrace.platform.web.nav import NavEntry, register_nav
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
register_nav(NavEntry("partners", N_("Partners"), "/partners", 200, PARTNER_VIEW))


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  doc_types=rules.DOC_TYPES, rules_labels=rules.QUALIFICATION_LABELS,
                  approval_labels=rules.APPROVAL_LABELS, kind_labels=rules.KIND_LABELS,
                  **context)


@router.get("/partners", response_class=HTMLResponse)
def partners(request: Request, role: str | None = None,
             _: Actor = require(PARTNER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows = [(p, service.qualification_of(uow, p))
                for p in service.list_partners(uow, role=role or None)]
        return _page(request, "partners/list.html", rows=rows, role=role or "")


def _detail(request: Request, partner_id: int, status: int = 200, **extra: Any) -> Response:
    with new_uow(request, write=False) as uow:
        partner = service.get_partner_or_raise(uow, partner_id)
        today = uow.today()
        docs = [(d, rules.is_valid(service.doc_of(d), today)) for d in partner.documents]
        approvals = [a for a in service.list_approvals(uow) if a.partner_id == partner.id]
        return _page(request, "partners/detail.html", status=status, partner=partner,
                     qualification=service.qualification_of(uow, partner), docs=docs,
                     approvals=approvals, history=history_for(uow, partner), **extra)


@router.get("/partners/expiring", response_class=HTMLResponse)
def expiring(request: Request, days: int = Query(30, ge=0, le=3650),
             _: Actor = require(PARTNER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        today = uow.today()
        rows = [(p, d, (d.valid_to - today).days if d.valid_to else None)
                for p, d in service.expiring_documents(uow, days)]
        return _page(request, "partners/expiring.html", rows=rows, days=days)


@router.get("/partners/approvals", response_class=HTMLResponse)
def approvals(request: Request, _: Actor = require(PARTNER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows = service.list_approvals(uow)
        names = {p.id: p for p in service.list_partners(uow)}
        return _page(request, "partners/approvals.html", rows=rows, partners=names)


@router.get("/partners/{partner_id}", response_class=HTMLResponse)
def detail(request: Request, partner_id: int, _: Actor = require(PARTNER_VIEW)) -> Response:
    return _detail(request, partner_id)


@router.post("/partners/{partner_id}/documents", response_class=HTMLResponse)
async def add_document(request: Request, partner_id: int,
                       _: Actor = require(PARTNER_EDIT)) -> Response:
    form = await request.form()
    upload = None
    file = form.get("file")
    if isinstance(file, UploadFile) and file.filename:
        content = await file.read(service.MAX_FILE_BYTES + 1)
        upload = service.UploadedFile(file.filename, file.content_type or "", content)
    storage = request.app.state.settings.var_dir / "documents"

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() or None if isinstance(value, str) else None

    try:
        data = DocumentWrite(
            doc_type=text("doc_type") or "", number=text("number") or "",
            authority=text("authority") or "",
            scope_classes=[str(v) for v in form.getlist("scope_classes")],
            valid_from=text("valid_from"), valid_to=text("valid_to"))
    except ValidationError as exc:
        problems = [{"field": str(e["loc"][-1]), "message": e["msg"], "type": e["type"]}
                    for e in exc.errors()]
        return _detail(request, partner_id, status=422,
                       **form_error(request, ValidationFailed(errors=problems)))
    _, problem = await form_action(request, lambda uow: service.add_document(
        uow, partner_id, data, upload=upload, storage=storage))
    if problem is None:
        return RedirectResponse(f"/partners/{partner_id}?saved=1", status_code=303)
    return _detail(request, partner_id, status=422, **problem)


@router.post("/partners/{partner_id}/approvals", response_class=HTMLResponse)
async def request_approval(request: Request, partner_id: int,
                           actor: Actor = require(APPROVAL_REQUEST)) -> Response:
    form = await request.form()

    _, problem = await form_action(request, lambda uow: service.request_first_approval(
        uow, kind=str(form.get("kind", "")), partner_id=partner_id,
        notes=str(form.get("notes", "")), actor=actor))
    if problem is None:
        return RedirectResponse(f"/partners/{partner_id}?saved=1", status_code=303)
    return _detail(request, partner_id, status=422, **problem)


@router.post("/partners/approvals/{approval_id}", response_class=HTMLResponse)
async def decide(request: Request, approval_id: int,
                 actor: Actor = require(APPROVAL_DECIDE)) -> Response:
    form = await request.form()

    _, problem = await form_action(request, lambda uow: service.decide_first_approval(
        uow, approval_id, approve=form.get("decision") == "approve",
        password=str(form.get("password", "")), actor=actor,
        comment=str(form.get("comment", "")) or None))
    if problem is None:
        return RedirectResponse("/partners/approvals?saved=1", status_code=303)
    with new_uow(request, write=False) as uow:
        rows = service.list_approvals(uow)
        names = {p.id: p for p in service.list_partners(uow)}
        return _page(request, "partners/approvals.html", status=422, rows=rows,
                     partners=names, **problem)

