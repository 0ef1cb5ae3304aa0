"""Exports of a trace answer (the whole answer, never one page of it) as CSV, XLSX or PDF,
headings and labels in the user's language.

CSV and XLSX go through the platform's list-export writers (typed cells, no formula injection,
UTF-8 with BOM); PDFs are landscape A4 reports drawn with ReportLab (pdf.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from medtrace.modules.traceability.web import labels, pdf
from medtrace.platform.customfields.export import FORMATS, to_csv, to_xlsx
from medtrace.platform.i18n import N_, translate

PDF = "application/pdf"


# --- the table of each answer -----------------------------------------------------------------
def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _parties(parties: list[dict[str, Any]], partner_code: dict[int, str], locale: str) -> str:
    shown = []
    for p in parties:
        pid = p.get("partner_id")
        who = partner_code.get(int(pid), p.get("id", "")) if pid else p.get("id", "")
        shown.append(f"{labels.label(labels.PARTY_TYPES, p.get('type'), locale)}: {who}")
    return "; ".join(shown)


def _documents(documents: list[dict[str, Any]]) -> str:
    return "; ".join(f"{d.get('type', '')} {d.get('id', '')}".strip() for d in documents)


BACKWARD_HEADINGS = (N_("Kind"), N_("Item"), N_("Lot, serial or SSCC"), N_("Lot"),
                     N_("Status"), N_("Origin"), N_("Supplier"), N_("Supplier lot"),
                     N_("Expiry date"), N_("Receipt document"), N_("Received at (UTC)"),
                     N_("Quantity"), N_("Unit of measure"), N_("Incoming inspection"))


def backward_rows(answer: dict[str, Any], locale: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    kind = lambda k: labels.label(labels.KINDS, k, locale)  # noqa: E731
    status = lambda s: labels.label(labels.STATUSES, s, locale)  # noqa: E731
    for x in answer["lots"]:
        receipt = x.get("receipt") or {}
        rows.append([kind("lot"), x["item"], x["lot"], None, status(x["status"]),
                     labels.label(labels.ORIGINS, x["origin"], locale),
                     receipt.get("supplier") or x["supplier"], x["supplier_lot"],
                     _date(x["expiry"]), receipt.get("doc"), receipt.get("at"),
                     receipt.get("quantity"), receipt.get("uom"), receipt.get("inspection")])
    for u in answer["units"]:
        rows.append([kind("unit"), u["item"], u["serial"], u["lot"],
                     status(u["quality_status"]), None, None, None, None, None, None, None,
                     None, None])
    for c in answer["containers"]:
        rows.append([kind("container"), None, c["sscc"], *([None] * 11)])
    for x in answer.get("replaced") or []:  # what it once contained: origin says when and how
        rows.append([kind(x["kind"]), x["item"], x.get("serial") or x.get("lot"),
                     x.get("lot") if x["kind"] == "unit" else None,
                     status(x.get("quality_status") or x.get("status")),
                     _replaced(x, locale), x.get("supplier"), None, None, None, None, None,
                     None, None])
    return rows


REPLACED = N_("replaced in service")


def _replaced(entry: dict[str, Any], locale: str) -> str:
    """``replaced in service SV26-00001 2026-12-06T05:40:27Z``: what took it out, and when."""
    return " ".join(x for x in (translate(REPLACED, locale), entry.get("removed_doc"),
                                entry.get("removed_at")) if x)


FORWARD_HEADINGS = (N_("Kind"), N_("Item"), N_("Lot, serial or SSCC"), N_("Lot"),
                    N_("Whereabouts"), N_("Quality status"), N_("Customer"), N_("Holder"),
                    N_("Location"), N_("Expiry date"), N_("Quantity"), N_("Unit of measure"))
FINISHED, SUBASSEMBLY = N_("finished unit"), N_("subassembly")


def forward_rows(answer: dict[str, Any], locale: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    state = lambda s: labels.label(labels.STATES, s, locale)  # noqa: E731
    status = lambda s: labels.label(labels.STATUSES, s, locale)  # noqa: E731
    root = answer["root"]
    if root.get("quantities"):  # the lot itself: where its quantity is
        rows.extend(_root_lot_rows(root, locale))
    for kind, units in ((FINISHED, answer["units"]), (SUBASSEMBLY, answer["subassemblies"])):
        for u in units:
            rows.append([translate(kind, locale), u["item"], u["serial"], u["lot"],
                         state(u["status"]), status(u["quality_status"]), u["customer"],
                         u["holder"], u["location"], None, 1, None])
    lot_kind = labels.label(labels.KINDS, "lot", locale)
    for x in answer["lots"]:
        line = [lot_kind, x["item"], x["lot"], None, state(x["state"]), status(x["status"])]
        # one line per customer that received some of it (with the quantity), or one line
        for c in x.get("customers") or [None]:
            rows.append([*line, c and c["customer"], None, None, _date(x["expiry"]),
                         _number(c and c["quantity"]), c and c["uom"]])
    for c in answer["containers"]:
        rows.append([labels.label(labels.KINDS, "container", locale), None, c["sscc"], None,
                     state(c["status"]), None, c["customer"], None, None, None, None, None])
    for u in answer.get("replaced") or []:  # no longer containing it: listed, not counted
        rows.append([_replaced(u, locale), u["item"], u["serial"], u["lot"],
                     state(u["status"]), status(u["quality_status"]), u["customer"], None,
                     u["location"], None, None, None])
    return rows


def _number(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _root_lot_rows(root: dict[str, Any], locale: str) -> list[list[Any]]:
    """The root lot's quantity in stock per location, shipped per customer (and ship-to) and
    consumed into each parent."""
    q, kind = root["quantities"], labels.label(labels.KINDS, "lot", locale)
    state = lambda s: labels.label(labels.STATES, s, locale)  # noqa: E731
    status = labels.label(labels.STATUSES, root.get("status"), locale)
    head = [kind, root.get("item"), root.get("lot"), None]
    expiry = _date(root.get("expiry"))
    rows = [[*head, state("in_stock"), status, None, None, s["location"], expiry,
             _number(s["quantity"]), q["uom"]] for s in q["in_stock"]]
    rows += [[*head, state("shipped"), status, s["customer"], s["ship_to"], None, expiry,
              _number(s["quantity"]), q["uom"]] for s in q["shipped"]]
    rows += [[*head, state("consumed"), status, None, None, f"{p['item'] or ''} {p['code']}",
              expiry, _number(p["quantity"]), p["uom"]] for p in q["consumed_into"]]
    return rows


TIMELINE_HEADINGS = (N_("Time (event's time zone)"), N_("Time (UTC)"), N_("Step"),
                     N_("Document"), N_("Business documents"), N_("Read point"),
                     N_("Business location"), N_("Role"), N_("Quantity"),
                     N_("Unit of measure"), N_("Via container"), N_("Sources"),
                     N_("Destinations"), N_("Disposition"), N_("Details"), N_("By"),
                     N_("Event ID"))


def local_time(value: str) -> str:
    """``2026-03-01T09:00:00+08:00`` as ``2026-03-01 09:00:00 +08:00``."""
    moment = dt.datetime.fromisoformat(value)
    offset = moment.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:5]}" if offset else ""
    return f"{moment:%Y-%m-%d %H:%M:%S} {offset}".strip()


def details(extra: dict[str, Any]) -> str:
    """An event's free details as ``key: value; ...``."""
    return "; ".join(f"{key}: {value}" for key, value in sorted((extra or {}).items()))


def timeline_rows(answer: dict[str, Any], locale: str,
                  partner_code: dict[int, str]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for e in answer["events"]:
        rows.append([local_time(e["time"]), e["utc"], labels.label(labels.STEPS, e["step"], locale),
                     e["doc"], _documents(e["documents"]), e["read_point"], e["biz_location"],
                     labels.label(labels.ROLES, e["role"], locale), e["quantity"], e["uom"],
                     e["via"], _parties(e["sources"], partner_code, locale),
                     _parties(e["destinations"], partner_code, locale), e["disposition"],
                     details(e["details"]), e["actor"], e["event_id"]])
    return rows


def table(answer: dict[str, Any], direction: str, locale: str,
          partner_code: dict[int, str] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Headings (in ``locale``) and rows of the whole answer."""
    if direction == "backward":
        own, rows = BACKWARD_HEADINGS, backward_rows(answer, locale)
    elif direction == "forward":
        own, rows = FORWARD_HEADINGS, forward_rows(answer, locale)
    else:
        own, rows = TIMELINE_HEADINGS, timeline_rows(answer, locale, partner_code or {})
    return [translate(h, locale) for h in own], rows


def root_line(root: dict[str, Any], locale: str) -> str:
    number = root.get("serial") or root.get("lot") or root.get("sscc") or ""
    parts = [labels.label(labels.KINDS, root["kind"], locale), root.get("item") or "", number]
    return " ".join(p for p in parts if p)


# --- files ---------------------------------------------------------------------------------
def file_name(direction: str, root: dict[str, Any], stamp: dt.date, fmt: str) -> str:
    number = root.get("serial") or root.get("lot") or root.get("sscc") or str(root["id"])
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{root.get('item') or ''}-{number}").strip("_-")
    return f"trace-{direction}-{safe}-{stamp.isoformat()}.{fmt}"


def response(fmt: str, *, answer: dict[str, Any], direction: str, locale: str,
             stamp: dt.date, generated: str, partner_code: dict[int, str] | None = None,
             summary: list[tuple[str, list[str], list[list[Any]]]] | None = None) -> Response:
    """The whole answer as a download (``fmt``: csv, xlsx or pdf)."""
    headings, rows = table(answer, direction, locale, partner_code)
    title = translate(labels.DIRECTION_TITLES[direction], locale)
    if fmt == "csv":
        content, media = to_csv(headings, rows), FORMATS["csv"]
    elif fmt == "xlsx":
        content, media = to_xlsx(headings, rows, title=direction), FORMATS["xlsx"]
    else:
        lines = [root_line(answer["root"], locale),
                 translate(N_("Generated %(when)s"), locale, when=generated)]
        content, media = pdf.report(f"{title}: {root_line(answer['root'], locale)}", lines,
                                summary or [], headings, rows), PDF
    name = file_name(direction, answer["root"], stamp, fmt)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
