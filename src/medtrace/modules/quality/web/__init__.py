"""Quality pages: the inspections list (filters), an inspection's page (its sampling plans,
the results form per characteristic, the automatic verdict and the signed decisions). Plans,
nonconformances, the sampling calculator and supplier quality are in ``web.setup``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from medtrace.modules.quality import queries, rules, service
from medtrace.modules.quality.permissions import (
    INSPECTION_DECIDE,
    INSPECTION_PERFORM,
    INSPECTION_VIEW,
)
from medtrace.modules.quality.schemas import ConcessionIn, DecisionIn, ResultsEntry
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.i18n import N_, current_locale, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error, validation_failed
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
PAGE = 50
MAX_UPLOAD = 20 * 1024 * 1024


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a quality page; the field messages of a refusal in the user's language."""
    if context.get("field_errors"):
        locale = current_locale()
        context["field_errors"] = {name: translate(str(message), locale)
                                   for name, message in context["field_errors"].items()}
    return render(request.app.state.templates, request, name, status_code=status,
                  statuses=rules.InspectionStatus.labels(),
                  verdicts=rules.InspectionVerdict.labels(),
                  kinds=rules.CharacteristicKind.labels(),
                  severities=rules.Severity.labels(), **context)


@router.get("/quality/inspections", response_class=HTMLResponse)
def inspections(request: Request, page_no: int = Query(1, ge=1, le=100_000, alias="page"),
                _: Actor = require(INSPECTION_VIEW)) -> Response:
    params = request.query_params
    values = {"lot": params.get("lot", "")[:64], "item": params.get("item", "")[:40],
              "status": params.get("status", "")}
    status = values["status"] if values["status"] in rules.InspectionStatus.values() else None
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_inspections(
            uow, lot=values["lot"] or None, item=values["item"] or None, status=status,
            limit=PAGE, offset=(page_no - 1) * PAGE)
    query = "&".join(f"{k}={v}" for k, v in values.items() if v)
    return page(request, "quality/inspections.html", rows=rows, total=total, values=values,
                page=page_no, page_size=PAGE, query=query)


def _inspection_page(request: Request, number: str, status: int = 200,
                     **extra: Any) -> Response:
    with new_uow(request, write=False) as uow:
        row = service.get_inspection_or_raise(uow, number[:20])
        read = queries.inspection_read(uow, row)
        signatures = list(esign.signatures_for(uow, row))
        meanings = esign.meaning_labels(uow, current_locale())
        results = service.results_of(uow, row.id)
        plan_ids = {p.position: p.id for p in service.sample_plans_of(uow, row.id)}
    by_plan: dict[int, list[Any]] = {}
    for result in results:
        by_plan.setdefault(result.sample_plan_id, []).append(result)
    return page(request, "quality/inspection.html", status=status, inspection=read,
                signatures=signatures, meanings=meanings, results=by_plan, plan_ids=plan_ids,
                **extra)


@router.get("/quality/inspections/{number}", response_class=HTMLResponse)
def inspection(request: Request, number: str, _: Actor = require(INSPECTION_VIEW)) -> Response:
    return _inspection_page(request, number)


def _numbers(text: str, field: str) -> list[int]:
    found = []
    for part in text.replace("，", ",").replace(" ", ",").split(","):
        if part.strip():
            if not part.strip().isdigit():
                raise ValidationFailed(errors=[{"field": field, "message": N_("whole numbers")}])
            found.append(int(part.strip()))
    return found


def _values(text: str, field: str) -> list[Decimal]:
    found = []
    for part in text.replace("，", " ").replace(",", " ").split():
        try:
            found.append(Decimal(part))
        except InvalidOperation:
            raise ValidationFailed(errors=[{"field": field, "message": N_("numbers")}]) from None
    return found


async def _results_from_form(request: Request, number: str
                             ) -> tuple[ResultsEntry, dict[int, service.UploadedFile]]:
    """The results form: per characteristic, how many samples were inspected and which
    failed (sample numbers), or the measured values one per sample, or the certificate."""
    form = await request.form()
    with new_uow(request, write=False) as uow:
        row = service.get_inspection_or_raise(uow, number[:20])
        plans = service.sample_plans_of(uow, row.id)
    entries: list[dict[str, Any]] = []
    files: dict[int, service.UploadedFile] = {}
    for plan in plans:
        key = f"c{plan.position}"
        if plan.kind == rules.CharacteristicKind.DIMENSIONAL:
            for sample, value in enumerate(_values(str(form.get(f"{key}_values", "")),
                                                   f"{key}_values"), start=1):
                entries.append({"characteristic": plan.position, "sample": sample,
                                "value": str(value)})
            continue
        inspected = str(form.get(f"{key}_inspected", "")).strip()
        if not inspected:
            continue
        count = _numbers(inspected, f"{key}_inspected")
        failed = set(_numbers(str(form.get(f"{key}_failed", "")), f"{key}_failed"))
        for sample in range(1, (count[0] if count else 0) + 1):
            entries.append({"characteristic": plan.position, "sample": sample,
                            "passed": sample not in failed})
        upload = form.get(f"{key}_file")
        if isinstance(upload, UploadFile) and upload.filename:
            files[plan.position] = service.UploadedFile(
                upload.filename, upload.content_type or "", await upload.read(MAX_UPLOAD + 1))
    if not entries:
        raise ValidationFailed(errors=[{"field": "results", "message": N_("enter results")}])
    try:
        return ResultsEntry.model_validate({"results": entries}), files
    except ValidationError as exc:
        raise validation_failed(exc, current_locale()) from None


@router.post("/quality/inspections/{number}/results", response_class=HTMLResponse)
async def results(request: Request, number: str,
                  actor: Actor = require(INSPECTION_PERFORM)) -> Response:
    try:
        entry, files = await _results_from_form(request, number)
    except ValidationFailed as exc:
        return _inspection_page(request, number, status=422, **form_error(request, exc))
    storage = request.app.state.settings.var_dir / "quality"
    _, problem = await form_action(request, lambda uow: service.record_results(
        uow, number=number[:20], data=entry, actor=actor, files=files, storage=storage))
    if problem is None:
        return RedirectResponse(f"/quality/inspections/{number}?saved=1", status_code=303)
    return _inspection_page(request, number, status=422, **problem)


@router.post("/quality/inspections/{number}/decide", response_class=HTMLResponse)
async def decide(request: Request, number: str,
                 actor: Actor = require(INSPECTION_DECIDE)) -> Response:
    """Release, reject or sign a concession: the signed-in user signs with the password."""
    form = await request.form()
    action = str(form.get("action", ""))
    meaning = {"release": rules.RELEASE_MEANING, "reject": rules.REJECT_MEANING,
               "concession": rules.RELEASE_MEANING,
               "concession2": rules.CONCESSION_MEANING}.get(action)
    signature = {"username": actor.name, "password": str(form.get("password", "")),
                 "meaning": meaning or ""}
    to_location = str(form.get("to_location", "")).strip() or None
    try:
        if action in ("concession", "concession2"):
            data: Any = ConcessionIn.model_validate({
                "signature": signature, "reason": str(form.get("reason", "")).strip(),
                "to_location": to_location})
        elif action in ("release", "reject"):
            data = DecisionIn.model_validate({
                "signature": signature, "comment": str(form.get("comment", "")).strip(),
                "to_location": to_location})
        else:
            raise ValidationFailed(errors=[{"field": "action", "message": N_("choose")}])
    except ValidationError as exc:
        return _inspection_page(request, number, status=422,
                                **form_error(request, validation_failed(exc, current_locale())))
    except ValidationFailed as exc:
        return _inspection_page(request, number, status=422, **form_error(request, exc))
    fn = {"release": service.release_inspection, "reject": service.reject_inspection,
          "concession": service.release_conditionally,
          "concession2": service.release_conditionally}[action]
    _, problem = await form_action(request, lambda uow: fn(uow, number=number[:20], data=data,
                                                           actor=actor))
    if problem is None:
        return RedirectResponse(f"/quality/inspections/{number}?saved=1", status_code=303)
    return _inspection_page(request, number, status=422, **problem)
