"""The device history record as a page (from the work order and the trace page) and as PDF/A
(``pdf.render_dhr_pdf``), in Chinese or English. The page of a batch in quarantine carries QA's
signed batch release."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import catalog, traceability
from medtrace.modules.production import service
from medtrace.modules.production.dhr.queries import dhr_of
from medtrace.modules.production.permissions import BATCH_RELEASE, VIEW
from medtrace.modules.production.schemas import BatchReleaseIn
from medtrace.modules.production.web.common import attempt, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import meaning_labels
from medtrace.platform.i18n import translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
Code = Path(min_length=1, max_length=400, description="Lot number, serial or raw UDI")
Item = Query("", max_length=40, description="Item code, for a lot number several items use")


def pdf_of(record: dict[str, Any], locale: str) -> bytes:
    from medtrace.modules.production.dhr.web import pdf

    labels = {key: translate(key, locale) for key in pdf.LABEL_KEYS}
    return pdf.render_dhr_pdf(record, locale=locale, labels=labels)


def _may_release(record: dict[str, Any], actor: Actor) -> bool:
    return bool(record["lot"]) and record["release"]["status"] == "quarantine" \
        and actor.can(BATCH_RELEASE)


def _scan_of(uow: UnitOfWork, code: str, item: str) -> str:
    """``code`` as ``dhr_of`` reads it without doubt: a lot number several items use (each
    item's lots are numbered by its own rule) narrowed to ``item``, as the GS1 UDI of that
    lot or unit; the code as it is without an item (or a GTIN to write the UDI with)."""
    if not item:
        return code
    thing = traceability.resolve(uow, code, item=item)
    gtin = catalog.gtins_by_item(uow, [thing.item_id]).get(thing.item_id)
    if not gtin:
        return code
    return f"01{gtin}{'21' if thing.kind == 'unit' else '10'}{thing.code}"


def _dhr_page(request: Request, code: str, item: str, actor: Actor, status: int = 200,
              **context: Any) -> HTMLResponse:
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        scan = _scan_of(uow, code, item)
        record = dhr_of(uow, scan, locale=locale)
        meanings = meaning_labels(uow, locale)
    return page(request, "production/dhr.html", status, record=record,
                quoted=quote(record["code"], safe=""), scan=quote(scan, safe=""),
                item=item, meanings=meanings, lot_statuses=traceability.LotStatus.labels(),
                may_release=_may_release(record, actor), **{"values": {}, **context})


@router.get("/production/dhr/{code:path}", response_class=HTMLResponse)
def dhr_page(request: Request, code: str = Code, item: str = Item,
             actor: Actor = require(VIEW)) -> Response:
    """``?item=`` narrows a lot number that several items use."""
    return _dhr_page(request, code, item.strip(), actor)


def _lot_of(request: Request, code: str, item: str) -> tuple[str, int]:
    """The record's code, and the id of its batch: the lot (of the unit); a unit made without
    a lot is given as it is, and the service refuses it."""
    with new_uow(request, write=False) as uow:
        scan = _scan_of(uow, code, item)
        record = dhr_of(uow, scan, locale=request.state.locale)
        if record["lot"]:
            return record["code"], traceability.resolve(uow, record["lot"],
                                                        item=record["item"]["code"]).id
        return record["code"], traceability.resolve(uow, scan).id


@router.post("/production/dhr/{code:path}/release", response_class=HTMLResponse)
async def release(request: Request, code: str = Code, item: str = Item,
                  actor: Actor = require(BATCH_RELEASE)) -> Response:
    """QA releases the batch, signed by the signed-in user with the password."""
    form = await request.form()
    comment, password = form.get("comment"), form.get("password")
    values = {"comment": comment.strip()[:1000] if isinstance(comment, str) else ""}
    item = item.strip()
    found, lot_id = await run_in_threadpool(_lot_of, request, code, item)
    try:
        data = BatchReleaseIn(comment=values["comment"], signature={
            "username": actor.name, "password": password if isinstance(password, str) else ""})
    except ValidationError as exc:
        problem: dict[str, Any] | None = pydantic_refusal(request, exc)
    else:
        _done, problem = await run_in_threadpool(
            attempt, request,
            lambda uow: service.release_batch(uow, lot_id=lot_id, data=data, actor=actor))
    if problem is not None:
        return await run_in_threadpool(_dhr_page, request, code, item, actor, 422,
                                       values=values, **problem)
    narrowed = f"?item={quote(item, safe='')}" if item else ""
    return RedirectResponse(f"/production/dhr/{quote(found, safe='')}{narrowed}",
                            status_code=303)
