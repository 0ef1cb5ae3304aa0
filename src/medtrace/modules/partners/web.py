"""Partner pages: list with qualification badges, filters (custom fields too), pages and
CSV/XLSX export; create and edit forms with custom fields; detail with documents (upload),
first-operation approvals and the supplier's approved items; the approvals queue with QA
signing; expiring documents; the approved-supplier list of an item."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from medtrace.modules.partners import rules, service
from medtrace.modules.partners.models import Partner
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    ASL_EDIT,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate, PartnerWrite
from medtrace.platform import customfields
from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_context
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import export, present
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError, ValidationFailed
from medtrace.platform.i18n import N_, current_locale, gettext, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.dashboard import record_panels
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error, validation_failed
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 50


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  doc_types=rules.DOC_TYPES, rules_labels=rules.QUALIFICATION_LABELS,
                  approval_labels=rules.APPROVAL_LABELS, kind_labels=rules.KIND_LABELS,
                  customer_types=rules.CUSTOMER_TYPES, cf=present, **context)


def _problems(exc: ValidationError) -> ValidationFailed:
    """Pydantic's refusals of a form, with messages in the user's language."""
    return validation_failed(exc, current_locale())  # type: ignore[return-value]


# -- the list, its filters and exports ---------------------------------------------------------


def _list_filters(request: Request, uow: UnitOfWork) -> dict[str, Any]:
    params = request.query_params
    fields = customfields.list_fields(uow, service.ENTITY)
    active = params.get("active", "")
    return {
        "fields": fields,
        "values": {"q": params.get("q", ""), "role": params.get("role", ""), "active": active},
        "custom": present.query_filters(fields, params),
        "active": {"yes": True, "no": False}.get(active),
    }


@router.get("/partners", response_class=HTMLResponse)
def partners(request: Request, page: int = Query(1, ge=1, le=100_000),
             _: Actor = require(PARTNER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        filters = _list_filters(request, uow)
        problem: dict[str, Any] = {}
        try:
            rows, total = service.list_partners(
                uow, search=filters["values"]["q"], role=filters["values"]["role"] or None,
                active=filters["active"], custom=filters["custom"], limit=PAGE,
                offset=(page - 1) * PAGE)
        except DomainError as exc:  # a custom-field filter of the wrong type
            rows, total, problem = [], 0, form_error(request, exc)
        qualifications = service.qualifications_of(uow, rows)
        values = service.custom_values_of(uow, rows)
        query = present.filter_query(filters["custom"], filters["values"])
        return _page(request, "partners/list.html", status=422 if problem else 200,
                     rows=[(p, qualifications[p.id], values[p.id]) for p in rows],
                     total=total, page=page, page_size=PAGE, query=query, **filters,
                     **problem)


def _export_rows(uow: UnitOfWork, partners: list[Partner], fields: list[Any]
                 ) -> list[list[Any]]:
    qualifications = service.qualifications_of(uow, partners)
    values = service.custom_values_of(uow, partners)
    rows = []
    for p in partners:
        roles = [role for role, flag in (("supplier", p.is_supplier),
                                         ("customer", p.is_customer),
                                         ("manufacturer", p.is_manufacturer)) if flag]
        rows.append([p.code, p.name_zh, p.name_en, " ".join(roles), p.customer_type,
                     p.country, p.contact_name, p.phone, p.email, p.active,
                     qualifications[p.id], *export.custom_cells(fields, values[p.id])])
    return rows


@router.get("/partners/export", response_class=Response)
def export_partners(request: Request, format: str = Query("xlsx", pattern="^(csv|xlsx)$"),
                    _: Actor = require(PARTNER_VIEW)) -> Response:
    """The filtered list (every page) with the custom-field columns."""
    with new_uow(request, write=False) as uow:
        filters = _list_filters(request, uow)
        rows, _total = service.list_partners(
            uow, search=filters["values"]["q"], role=filters["values"]["role"] or None,
            active=filters["active"], custom=filters["custom"], limit=None)
        fields = customfields.list_fields(uow, service.ENTITY, active_only=False)
        headings = export.headings((
            N_("Code"), N_("Name (Chinese)"), N_("Name (English)"), N_("Roles"),
            N_("Customer type"), N_("Country"), N_("Contact"), N_("Phone"), N_("E-mail"),
            N_("Active"), N_("Qualification")), fields, request.state.locale)
        return export.export_response(format, name="partners", headings=headings,
                                      rows=_export_rows(uow, rows, fields), stamp=uow.today())


# -- create and edit -------------------------------------------------------------------------


def _form_values(form: Any, fields: list[Any]) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() or None if isinstance(value, str) else None

    return {
        "code": text("code") or "", "name_zh": text("name_zh") or "",
        "name_en": text("name_en") or "", "is_supplier": form.get("is_supplier") == "on",
        "is_customer": form.get("is_customer") == "on",
        "is_manufacturer": form.get("is_manufacturer") == "on",
        "customer_type": text("customer_type"), "country": (text("country") or "CN").upper(),
        "address": text("address") or "", "contact_name": text("contact_name"),
        "phone": text("phone"), "email": text("email"),
        "active": form.get("active") == "on",
        "custom_fields": present.form_values(fields, form),
    }


def _values_of(partner: Partner, custom: dict[str, Any]) -> dict[str, Any]:
    values = {name: getattr(partner, name) for name in PartnerCreate.model_fields
              if name != "custom_fields"}
    return {**values, "custom_fields": custom}


def _form(request: Request, partner_id: int | None, status: int = 200,
          values: dict[str, Any] | None = None, **extra: Any) -> Response:
    with new_uow(request, write=False) as uow:
        partner = service.get_partner_or_raise(uow, partner_id) if partner_id else None
        if values is None:
            values = (_values_of(partner, service.custom_values(uow, partner.id)) if partner
                      else {"country": "CN", "active": True, "custom_fields": {}})
        return _page(request, "partners/form.html", status=status, partner=partner,
                     values=values, fields=customfields.list_fields(uow, service.ENTITY),
                     **extra)


@router.get("/partners/new", response_class=HTMLResponse)
def new_partner(request: Request, _: Actor = require(PARTNER_EDIT)) -> Response:
    return _form(request, None)


async def _save(request: Request, partner_id: int | None) -> Response:
    form = await request.form()

    def work() -> int | dict[str, Any]:
        with new_uow(request, write=False) as uow:
            fields = customfields.list_fields(uow, service.ENTITY)
        values = _form_values(form, fields)
        try:
            data = (PartnerWrite if partner_id else PartnerCreate).model_validate(values)
        except ValidationError as exc:
            return {**form_error(request, _problems(exc)), "values": values}
        reason = str(form.get("reason", "")).strip() or None
        try:
            with new_uow(request, reason=reason) as uow:
                if partner_id:
                    return service.update_partner(uow, partner_id, data).id
                return service.create_partner(uow, data).id  # type: ignore[arg-type]
        except DomainError as exc:
            return {**form_error(request, exc), "values": values}

    result = await run_in_threadpool(work)
    if isinstance(result, int):
        return RedirectResponse(f"/partners/{result}?saved=1", status_code=303)
    return _form(request, partner_id, status=422, **result)


@router.post("/partners/new", response_class=HTMLResponse)
async def create_partner(request: Request, _: Actor = require(PARTNER_EDIT)) -> Response:
    return await _save(request, None)


# -- expiring documents, approvals, approved-supplier lists ----------------------------------


@router.get("/partners/expiring", response_class=HTMLResponse)
def expiring(request: Request, days: int = Query(30, ge=0, le=3650),
             page: int = Query(1, ge=1, le=100_000),
             _: Actor = require(PARTNER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        today = uow.today()
        found, total = service.expiring_documents(uow, days, limit=PAGE,
                                                  offset=(page - 1) * PAGE)
        rows = [(p, d, (d.valid_to - today).days if d.valid_to else None) for p, d in found]
        return _page(request, "partners/expiring.html", rows=rows, days=days, total=total,
                     page=page, page_size=PAGE)


def _approvals(request: Request, page: int, status: int = 200, **extra: Any) -> Response:
    wanted = request.query_params.get("status", "")
    with new_uow(request, write=False) as uow:
        rows, total = service.list_approvals(uow, status=wanted or None, limit=PAGE,
                                             offset=(page - 1) * PAGE)
        names = {p.id: p for p in (uow.session.get(Partner, a.partner_id) for a in rows) if p}
        return _page(request, "partners/approvals.html", status=status, rows=rows,
                     partners=names, total=total, page=page, page_size=PAGE,
                     wanted=wanted, **extra)


@router.get("/partners/approvals", response_class=HTMLResponse)
def approvals(request: Request, page: int = Query(1, ge=1, le=100_000),
              _: Actor = require(PARTNER_VIEW)) -> Response:
    return _approvals(request, page)


@router.post("/partners/approvals/{approval_id}", response_class=HTMLResponse)
async def decide(request: Request, approval_id: PathId,
                 actor: Actor = require(APPROVAL_DECIDE)) -> Response:
    form = await request.form()

    _, problem = await form_action(request, lambda uow: service.decide_first_approval(
        uow, approval_id, approve=form.get("decision") == "approve",
        password=str(form.get("password", "")), actor=actor,
        comment=str(form.get("comment", "")) or None))
    if problem is None:
        return RedirectResponse("/partners/approvals?saved=1", status_code=303)
    return _approvals(request, 1, status=422, **problem)


def _suppliers_page(request: Request, status: int = 200, **extra: Any) -> Response:
    wanted = request.query_params.get("item", "").strip()
    raw_page = request.query_params.get("page", "")
    page = max(1, int(raw_page)) if raw_page.isdigit() else 1
    with new_uow(request, write=False) as uow:
        item_id, problem = None, {}
        if wanted:
            try:
                item_id = service.find_item_id(uow, wanted)
            except DomainError as exc:
                problem = form_error(request, exc)
        if wanted and item_id is None:
            rows, total = [], 0
        else:
            rows, total = service.list_approved_suppliers(uow, item_id=item_id, limit=PAGE,
                                                          offset=(page - 1) * PAGE)
        suppliers, _n = service.list_partners(uow, role="supplier", active=True, limit=None)
        return _page(request, "partners/approved_suppliers.html",
                     status=422 if problem and status == 200 else status, rows=rows,
                     total=total, page=page, page_size=PAGE, item=wanted,
                     suppliers=suppliers, **{**problem, **extra})


@router.get("/partners/approved-suppliers", response_class=HTMLResponse)
def approved_suppliers(request: Request, _: Actor = require(PARTNER_VIEW)) -> Response:
    return _suppliers_page(request)


def _saved(form: Any) -> RedirectResponse:
    """Back to the page the form was on (a partner's or an item's list), saying saved."""
    target = str(form.get("next", ""))
    if not target.startswith("/partners") or "//" in target or "\\" in target:
        target = "/partners/approved-suppliers"
    return RedirectResponse(target + ("&" if "?" in target else "?") + "saved=1",
                            status_code=303)


@router.post("/partners/approved-suppliers", response_class=HTMLResponse)
async def add_approved_supplier(request: Request, _: Actor = require(ASL_EDIT)) -> Response:
    form = await request.form()
    item, partner = str(form.get("item", "")).strip(), str(form.get("partner_id", ""))

    def action(uow: UnitOfWork) -> int:
        if not partner.isdigit():
            raise ValidationFailed(errors=[{"field": "partner_id", "type": "missing",
                                            "message": gettext("required")}])
        return service.add_approved_supplier(uow, item_id=service.find_item_id(uow, item),
                                             partner_id=int(partner)).item_id

    _, problem = await form_action(request, action)
    if problem is None:
        return _saved(form)
    return _suppliers_page(request, status=422, **problem)


@router.post("/partners/approved-suppliers/{entry_id}/remove", response_class=HTMLResponse)
async def remove_approved_supplier(request: Request, entry_id: PathId,
                                   _: Actor = require(ASL_EDIT)) -> Response:
    form = await request.form()
    reason = str(form.get("reason", "")).strip() or None
    if reason is not None and len(reason) > 500:  # the audit trail's reason is bounded
        too_long = translate(N_("at most 500 characters"), request.state.locale)
        return _suppliers_page(request, status=422, **form_error(request, ValidationFailed(
            too_long, errors=[{"field": "reason", "message": too_long}])))

    _, problem = await form_action(
        request, lambda uow: service.remove_approved_supplier(uow, entry_id), reason=reason)
    if problem is None:
        return _saved(form)
    return _suppliers_page(request, status=422, **problem)


# -- one partner -----------------------------------------------------------------------------


def _detail(request: Request, partner_id: PathId, status: int = 200, **extra: Any) -> Response:
    with new_uow(request, write=False) as uow:
        partner = service.get_partner_or_raise(uow, partner_id)
        today = uow.today()
        docs = [(d, rules.is_valid(service.doc_of(d), today)) for d in partner.documents]
        approvals, _n = service.list_approvals(uow, partner_id=partner.id)
        listed, _n = service.list_approved_suppliers(uow, partner_id=partner.id, limit=None)
        return _page(request, "partners/detail.html", status=status, partner=partner,
                     qualification=service.qualification_of(uow, partner), docs=docs,
                     approvals=approvals, listed=listed,
                     custom=service.custom_values(uow, partner.id),
                     panels=record_panels(uow, getattr(request.state, "actor", None),
                                          "partners.partner", partner.id),
                     fields=customfields.list_fields(uow, service.ENTITY, active_only=False),
                     **history_context(uow, partner, request.state.locale, approvals), **extra)


@router.get("/partners/{partner_id}", response_class=HTMLResponse)
def detail(request: Request, partner_id: PathId, _: Actor = require(PARTNER_VIEW)) -> Response:
    return _detail(request, partner_id)


@router.get("/partners/{partner_id}/edit", response_class=HTMLResponse)
def edit_partner(request: Request, partner_id: PathId,
                 _: Actor = require(PARTNER_EDIT)) -> Response:
    return _form(request, partner_id)


@router.post("/partners/{partner_id}/edit", response_class=HTMLResponse)
async def update_partner(request: Request, partner_id: PathId,
                         _: Actor = require(PARTNER_EDIT)) -> Response:
    return await _save(request, partner_id)


@router.post("/partners/{partner_id}/documents", response_class=HTMLResponse)
async def add_document(request: Request, partner_id: PathId,
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
        return _detail(request, partner_id, status=422,
                       **form_error(request, _problems(exc)))
    _, problem = await form_action(request, lambda uow: service.add_document(
        uow, partner_id, data, upload=upload, storage=storage))
    if problem is None:
        return RedirectResponse(f"/partners/{partner_id}?saved=1", status_code=303)
    return _detail(request, partner_id, status=422, **problem)


@router.post("/partners/{partner_id}/approvals", response_class=HTMLResponse)
async def request_approval(request: Request, partner_id: PathId,
                           actor: Actor = require(APPROVAL_REQUEST)) -> Response:
    form = await request.form()

    _, problem = await form_action(request, lambda uow: service.request_first_approval(
        uow, kind=str(form.get("kind", "")), partner_id=partner_id,
        notes=str(form.get("notes", "")), actor=actor))
    if problem is None:
        return RedirectResponse(f"/partners/{partner_id}?saved=1", status_code=303)
    return _detail(request, partner_id, status=422, **problem)
