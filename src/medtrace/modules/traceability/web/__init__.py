"""Trace pages: a scan box (a raw UDI scan, GTIN + lot, item code + serial, a lot number, an
SSCC; an optional item for numbers several items use) and a direction. Backward and forward
answers are drawn as a collapsible SVG genealogy (graph.py); forward adds the recall scope by
customer and status and the finished units page by page; the timeline lists every event.
Exports of the whole answer as CSV, XLSX and PDF (exports.py)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import queries, rules
from medtrace.modules.traceability.errors import TraceCodeAmbiguous, TraceInvalid
from medtrace.modules.traceability.models import TraceObject
from medtrace.modules.traceability.permissions import TRACE_VIEW
from medtrace.modules.traceability.stats.api import count_trace
from medtrace.modules.traceability.web import exports, graph, labels
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.dashboard import record_panels
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 100
LIST_LIMIT = 200  # lots, subassemblies, containers shown on the page (the export has all)
DIRECTIONS = tuple(labels.DIRECTIONS)
CODE = Query("", max_length=500)
ITEM = Query("", max_length=60)
DIRECTION = Query("backward", pattern="^(backward|forward|timeline)$")

UNREADABLE = N_("This scan is neither a UDI MedTrace can read nor an SSCC, lot or serial "
                "number it knows.")


def trace_link(code: str, item: str | None, direction: str) -> str:
    """The trace page of one thing."""
    query = {"code": code, "direction": direction} | ({"item": item} if item else {})
    return "/trace?" + urlencode(query)


def _refusal(request: Request, uow: UnitOfWork, exc: DomainError, code: str) -> dict[str, Any]:
    """The message of a refused trace in the user's language, with its code; an unreadable
    scan lists the parser's error codes."""
    locale = request.state.locale
    if isinstance(exc, TraceInvalid) and code.strip():
        parsed = catalog.resolve_udi(uow, code.strip(), locale)
        return {"error": translate(UNREADABLE, locale), "error_code": exc.code,
                "scan_errors": [e.get("code") for e in parsed.get("errors", [])]}
    message = translate(exc.title, locale)
    return {"error": message, "error_code": exc.code, "scan_errors": [],
            "ambiguous": isinstance(exc, TraceCodeAmbiguous)}


def _find(request: Request, uow: UnitOfWork, code: str, item: str
          ) -> tuple[TraceObject | None, dict[str, Any]]:
    try:
        return queries.resolve(uow, code, item=item or None), {}
    except DomainError as exc:
        return None, {**_refusal(request, uow, exc, code), "status": exc.status}


def _by_customer(units: list[dict[str, Any]]) -> list[tuple[str | None, int, dict[str, int]]]:
    """Finished units per customer (none last) and whereabouts."""
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for u in units:
        counts[u["customer"]][u["status"]] += 1
    order = sorted(counts, key=lambda c: (c is None, c or ""))
    return [(c, sum(counts[c].values()), dict(counts[c])) for c in order]


def _partner_codes(answer: dict[str, Any], uow: UnitOfWork) -> dict[int, str]:
    ids = {int(p["partner_id"]) for e in answer.get("events", [])
           for p in (*e["sources"], *e["destinations"]) if p.get("partner_id")}
    return partners.partner_codes(uow, ids)


@router.get("/trace", response_class=HTMLResponse)
def trace_page(request: Request, code: str = CODE, item: str = ITEM,
               direction: str = DIRECTION, page: int = Query(1, ge=1, le=100_000),
               _: Actor = require(TRACE_VIEW)) -> Response:
    code, item = code.strip("\r\n\t "), item.strip()
    context: dict[str, Any] = {"code": code, "item": item, "direction": direction,
                               "directions": labels.DIRECTIONS, "labels": labels,
                               "link": trace_link, "error": None, "answer": None}
    status = 200
    if code:
        started = time.perf_counter()
        with new_uow(request, write=False) as uow:
            thing, problem = _find(request, uow, code, item)
            status = problem.pop("status", 200)
            context |= problem
            if thing is not None:
                context |= _answer(uow, thing, direction, page)
                context["panels"] = record_panels(
                    uow, getattr(request.state, "actor", None), "traceability.object", thing.id)
        if thing is not None:
            count_trace(request, started)
    return render(request.app.state.templates, request, "traceability/trace.html",
                  status_code=status, **context)


def _answer(uow: UnitOfWork, thing: TraceObject, direction: str, page: int) -> dict[str, Any]:
    if direction == "timeline":
        answer = queries.timeline(uow, thing)
        return {"answer": answer, "partner_code": _partner_codes(answer, uow),
                "local_time": exports.local_time, "details": exports.details}
    if direction == "backward":
        answer = queries.backward(uow, thing)
        return {"answer": answer, "graph": graph.genealogy(uow, thing, "backward"),
                "graph_const": graph}
    answer = queries.forward(uow, thing)
    units = answer["units"]
    pages = max(1, -(-len(units) // PAGE))
    page = min(page, pages)
    drawing = graph.genealogy(uow, thing, "forward",
                              summarise_units=answer["totals"]["units"] > graph.UNIT_LIMIT)
    return {"answer": answer, "graph": drawing,
            "graph_const": graph, "customers": _by_customer(units),
            "scope_states": rules.SCOPE_STATES,
            "units_page": units[(page - 1) * PAGE:page * PAGE], "page": page, "pages": pages,
            "list_limit": LIST_LIMIT}


@router.get("/trace/export.{fmt}", response_class=Response)
def trace_export(request: Request, fmt: str, code: str = Query(..., min_length=1, max_length=500),
                 item: str = ITEM, direction: str = DIRECTION,
                 _: Actor = require(TRACE_VIEW)) -> Response:
    """The whole answer (every unit, every event) as CSV, XLSX or PDF."""
    if fmt not in ("csv", "xlsx", "pdf"):
        raise TraceInvalid("the export format is csv, xlsx or pdf", errors=[
            {"field": "format", "message": "csv, xlsx, pdf"}])
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        thing = queries.resolve(uow, code.strip("\r\n\t "), item=item.strip() or None)
        codes: dict[int, str] = {}
        summary: list[tuple[str, list[str], list[list[Any]]]] = []
        if direction == "backward":
            answer = queries.backward(uow, thing)
            summary = [(translate(N_("Suppliers of the received lots"), locale),
                        [translate(N_("Supplier"), locale)],
                        [[s] for s in answer["suppliers"]])]
        elif direction == "forward":
            answer = queries.forward(uow, thing)
            summary = [_scope_summary(answer, locale)]
        else:
            answer = queries.timeline(uow, thing)
            codes = _partner_codes(answer, uow)
        now = uow.now().astimezone(uow.timezone)
        return exports.response(fmt, answer=answer, direction=direction, locale=locale,
                                stamp=now.date(), generated=f"{now:%Y-%m-%d %H:%M %Z}",
                                partner_code=codes, summary=summary)


def _scope_summary(answer: dict[str, Any], locale: str
                   ) -> tuple[str, list[str], list[list[Any]]]:
    states = rules.SCOPE_STATES
    head = [translate(N_("Customer"), locale), translate(N_("Finished units"), locale),
            *(labels.label(labels.STATES, s, locale) for s in states)]
    rows: list[list[Any]] = [
        [customer or "—", total, *(counts.get(s, 0) for s in states)]
        for customer, total, counts in _by_customer(answer["units"])]
    totals = answer["totals"]
    rows.append([translate(N_("Total"), locale), totals["units"],
                 *(totals["by_status"].get(s, 0) for s in states)])
    # every customer that received any quantity of a lot in the scope, with the quantities
    received = {c["customer"]: "; ".join(f"{x['item'] or ''} {x['lot']}: {x['quantity']} "
                                         f"{x['uom'] or ''}".strip() for x in c["lots"])
                for c in totals.get("customers", [])}
    head.append(translate(N_("Lots and quantities"), locale))
    for row in rows[:-1]:
        row.append(received.pop(row[0], ""))
    rows[-1].append("")
    rows[-1:-1] = [[code, 0, *(0 for _s in states), text] for code, text in received.items()]
    return translate(N_("Recall scope by customer"), locale), head, rows
