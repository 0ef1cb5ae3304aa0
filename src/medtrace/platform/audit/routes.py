"""The audit trail over HTTP: the API (`GET /api/v1/audit`, CSV export) and the search page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel

from medtrace.platform.actor import Actor
from medtrace.platform.audit import count_entries, entries_csv, iter_entries, list_entries
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.audit.present import kind_choices, present, signature_rows
from medtrace.platform.auth.permissions import AUDIT_VIEW, require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset
from medtrace.platform.web.templating import render

api = APIRouter(prefix="/api/v1", tags=["audit"])
pages = APIRouter(include_in_schema=False)


PAGE_SIZE = 50


class AuditEntryRead(BaseModel):
    id: int
    at: dt.datetime
    action: str
    entity_type: str
    entity_id: str
    entity_ref: str | None
    changes: dict[str, Any]
    actor_kind: str
    actor_id: int | None
    actor_name: str
    reason: str | None
    request_id: str | None
    client_ip: str | None
    hash: str

    @classmethod
    def of(cls, row: AuditEntry) -> AuditEntryRead:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    total: int
    limit: int
    offset: int


def _filters(entity: str | None, entity_id: str | None, user: str | None,
             since: dt.datetime | None, until: dt.datetime | None) -> dict[str, Any]:
    def aware(value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value

    return {"entity_type": entity or None, "entity_id": entity_id or None,
            "actor_name": user or None, "since": aware(since), "until": aware(until)}


@api.get("/audit", operation_id="searchAudit",
         response_model=AuditPage, summary="Search the audit trail (newest first)")
def search(
    request: Request,
    entity: str | None = Query(None, description="Entity type (table), e.g. auth_user"),
    id: str | None = Query(None, description="Entity id"),
    user: str | None = Query(None, description="Actor name (username or client id)"),
    since: dt.datetime | None = Query(None, description="From (ISO 8601; UTC if no offset)"),
    until: dt.datetime | None = Query(None, description="Until (exclusive)"),
    limit: int = Query(PAGE_SIZE, ge=1, le=1000),
    offset: Offset = 0,
    _: Actor = require(AUDIT_VIEW),
) -> AuditPage:
    filters = _filters(entity, id, user, since, until)
    with new_uow(request, write=False) as uow:
        rows = list_entries(uow, limit=limit, offset=offset, **filters)
        return AuditPage(items=[AuditEntryRead.of(r) for r in rows],
                         total=count_entries(uow, **filters), limit=limit, offset=offset)


def _csv_response(request: Request, filters: dict[str, Any]) -> StreamingResponse:
    def stream():  # type: ignore[no-untyped-def]
        with new_uow(request, write=False) as uow:
            yield from entries_csv(iter_entries(uow, **filters))

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(stream(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})


@api.get("/audit.csv", operation_id="exportAuditCsv",
         summary="Export the audit trail as CSV (same filters)", response_class=StreamingResponse,
         responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def export(
    request: Request,
    entity: str | None = None, id: str | None = None, user: str | None = None,
    since: dt.datetime | None = None, until: dt.datetime | None = None,
    _: Actor = require(AUDIT_VIEW),
) -> StreamingResponse:
    return _csv_response(request, _filters(entity, id, user, since, until))


def _page_filters(request: Request, entity: str | None, entity_id: str | None,
                  user: str | None, since: dt.date | None, until: dt.date | None
                  ) -> dict[str, Any]:
    """Dates on the page are plant-local days; ``until`` includes its whole day."""
    zone = ZoneInfo(request.app.state.settings.timezone)
    start = dt.datetime.combine(since, dt.time(), zone) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone) if until else None
    return _filters(entity, entity_id, user, start, end)


@pages.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    entity: str | None = Query(None, max_length=100), id: str | None = Query(None, max_length=200),
    user: str | None = Query(None, max_length=200),
    since: dt.date | None = None, until: dt.date | None = None,
    page: int = Query(1, ge=1, le=100_000),
    _: Actor = require(AUDIT_VIEW),
) -> HTMLResponse:
    from medtrace.platform import esign

    locale = request.state.locale
    filters = _page_filters(request, entity, id, user, since, until)
    with new_uow(request, write=False) as uow:
        rows = list_entries(uow, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
        total = count_entries(uow, **filters)
        signatures = esign.search_signatures(
            uow, entity_type=filters["entity_type"], entity_id=filters["entity_id"],
            signer=filters["actor_name"], since=filters["since"], until=filters["until"],
            limit=PAGE_SIZE) if page == 1 else []
        values = {"entity": entity or "", "id": id or "", "user": user or "",
                  "since": since or "", "until": until or ""}
        return render(request.app.state.templates, request, "audit/search.html",
                      entries=present(uow, rows, locale), total=total, page=page,
                      page_size=PAGE_SIZE, values=values, kinds=kind_choices(locale),
                      signatures=signature_rows(uow, signatures, locale),
                      query=urlencode({k: v for k, v in values.items() if v}))


@pages.get("/audit/export.csv")
def audit_page_export(
    request: Request,
    entity: str | None = None, id: str | None = None, user: str | None = None,
    since: dt.date | None = None, until: dt.date | None = None,
    _: Actor = require(AUDIT_VIEW),
) -> StreamingResponse:
    return _csv_response(request, _page_filters(request, entity, id, user, since, until))
