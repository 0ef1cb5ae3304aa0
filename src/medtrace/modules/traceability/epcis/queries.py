"""EPCIS 2.0: the official JSON schema (validation of what is captured) and the export of the
journal as EPCIS 2.0 JSON-LD documents, for a trace (the events of the things in a backward or
forward trace, or in a thing's timeline) or for a time window.

Our things become EPCIS identifiers through :mod:`epcis_ids`: a serial unit of an item with a
GTIN is an SGTIN (``https://id.gs1.org/01/{gtin}/21/{serial}``), a lot is a quantity element of
class ``https://id.gs1.org/01/{gtin}/10/{lot}``, a container is ``https://id.gs1.org/00/{sscc}``.
A captured event is exported from the original it was captured from (kept in ``Event.extra``
under ``"epcis"``), so fields MedTrace does not model (ilmd, sensor data, extensions) come back
as they were; only its things are written again, in the Digital Link form.

Capture lives in :mod:`epcis_capture`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import queries
from medtrace.modules.traceability.epcis import rules as ids
from medtrace.modules.traceability.errors import EpcisSchemaUnavailable, TraceInvalid
from medtrace.modules.traceability.models import Event, EventObject, TraceObject
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

#: the event fields that name things: export writes them from the journal's rows
THING_KEYS = ("epcList", "quantityList", "parentID", "childEPCs", "childQuantityList",
              "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList")
QUANTITY_KEYS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent",
               "AssociationEvent")
DIRECTIONS = ("timeline", "backward", "forward")
MAX_LIMIT = 10000
SCHEMA_HOWTO = N_("Set MEDTRACE_EPCIS_SCHEMA_PATH to the official GS1 EPCIS 2.0 JSON schema "
                  "(EPCIS-JSON-Schema.json) and restart; MedTrace does not ship it.")
MAX_SCHEMA_ERRORS = 100


# --- the schema ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _load_validator(path: str, _mtime: float) -> Any:
    from jsonschema import Draft7Validator, FormatChecker

    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=FormatChecker())


def schema_validator(path: Path | None) -> Any:
    """A draft-07 validator (formats checked) of the schema at ``path``; refuses with 503
    (:class:`EpcisSchemaUnavailable`) when there is no schema file."""
    if path is None or not Path(path).is_file():
        raise EpcisSchemaUnavailable(SCHEMA_HOWTO)
    path = Path(path)
    return _load_validator(str(path), path.stat().st_mtime)


def _field(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path) or "(document)"


def schema_errors(validator: Any, document: Any) -> list[dict[str, str]]:
    """Every way ``document`` fails the schema, as ``{"field", "message", "type"}`` (the
    most specific reason of an ``anyOf``/``oneOf`` failure), at most 100."""
    from jsonschema.exceptions import best_match

    problems: list[dict[str, str]] = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        chosen = error
        if error.validator in ("anyOf", "oneOf") and error.context:
            chosen = best_match(error.context) or error
        message = chosen.message
        if len(message) > 300:
            message = message[:297] + "..."
        problems.append({"field": _field(chosen.absolute_path), "message": message,
                         "type": f"schema.{chosen.validator}"})
        if len(problems) >= MAX_SCHEMA_ERRORS:
            break
    return problems


# --- export -------------------------------------------------------------------------------------
@dataclass
class ExportPage:
    """One page of an export: the EPCIS document and the offset of the next page (or None)."""

    document: dict[str, Any]
    next_offset: int | None


def export_events(uow: UnitOfWork, *, code: str | None = None, item: str | None = None,
                  direction: str = "timeline", start: dt.datetime | None = None,
                  end: dt.datetime | None = None, biz_step: str | None = None,
                  limit: int = 1000, offset: int = 0) -> ExportPage:
    """The journal as an EPCIS 2.0 document: with ``code``, the events of the things in that
    trace (``direction``: ``timeline`` — the thing and the containers it was packed in;
    ``backward`` — the thing and its ancestors; ``forward`` — the thing and everything made or
    packed from it); without, the events between ``start`` (included) and ``end`` (excluded),
    optionally of one business step. Events in time order, ``limit`` from ``offset``."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    if code:
        if direction not in DIRECTIONS:
            raise TraceInvalid(f"unknown direction {direction!r}",
                               errors=[{"field": "direction", "message": "timeline, backward "
                                        "or forward"}])
        event_ids = _trace_event_ids(uow, queries.resolve(uow, code, item=item), direction)
        page = event_ids[offset:offset + limit]
        more = len(event_ids) > offset + limit
    else:
        if start is None and end is None:
            raise TraceInvalid("give a code to trace or a time window (from, to)",
                               errors=[{"field": "from", "message": "required"}])
        page = _window_event_ids(uow, start, end, biz_step, limit + 1, offset)
        more = len(page) > limit
        page = page[:limit]
    return ExportPage(render_document(uow, _events(uow, page), now=uow.now()),
                      offset + limit if more else None)


def events_document(uow: UnitOfWork, event_ids: list[int]) -> dict[str, Any]:
    """The EPCIS 2.0 document of some journal events, in time order (an advance ship notice:
    the packing and shipping events of one shipment)."""
    events = sorted(_events(uow, list(event_ids)), key=lambda e: (e.event_time, e.id))
    return render_document(uow, events, now=uow.now())


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TraceInvalid(f"{name}: give the time with its zone (ISO 8601, e.g. "
                           "2026-03-01T00:00:00+08:00)", errors=[{"field": name,
                                                                 "message": "naive"}])
    return moment.astimezone(dt.UTC)


def _window_event_ids(uow: UnitOfWork, start: dt.datetime | None, end: dt.datetime | None,
                      biz_step: str | None, limit: int, offset: int) -> list[int]:
    query = select(Event.id).order_by(Event.event_time, Event.id)
    if start is not None:
        query = query.where(Event.event_time >= _aware(start, "from"))
    if end is not None:
        query = query.where(Event.event_time < _aware(end, "to"))
    if biz_step:
        query = query.where(Event.biz_step == ids.vocab_in(biz_step.strip(), "bizStep"))
    return list(uow.session.scalars(query.limit(limit).offset(offset)))


def _trace_event_ids(uow: UnitOfWork, thing: TraceObject, direction: str) -> list[int]:
    """The ids of the events of a trace, in time order."""
    if direction == "timeline":
        uids = [e["event_id"] for e in queries.timeline(uow, thing)["events"]]
        by_uid: dict[str, int] = {}
        query = select(Event.event_uid, Event.id).where(
            Event.event_uid.in_(bindparam("uids", expanding=True)))
        for chunk in _chunks(uids, 900):
            rows = uow.session.execute(query, {"uids": chunk})
            by_uid.update((uid, event_id) for uid, event_id in rows)
        return [by_uid[u] for u in uids if u in by_uid]
    answer = (queries.backward if direction == "backward" else queries.forward)(uow, thing)
    object_ids = {thing.id}
    for key in ("lots", "units", "subassemblies", "containers"):
        object_ids.update(row["id"] for row in answer.get(key, []))
    found: set[tuple[dt.datetime, int]] = set()
    query = (select(Event.event_time, Event.id)
             .join(EventObject, EventObject.event_id == Event.id)
             .where(EventObject.object_id.in_(bindparam("ids", expanding=True))))
    for chunk in _chunks(sorted(object_ids), 900):
        found.update((at, event_id) for at, event_id in uow.session.execute(query, {"ids": chunk}))
    return [event_id for _time, event_id in sorted(found)]


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _events(uow: UnitOfWork, event_ids: list[int]) -> list[Event]:
    found: dict[int, Event] = {}
    query = select(Event).where(Event.id.in_(bindparam("ids", expanding=True)))
    for chunk in _chunks(event_ids, 900):
        found.update((e.id, e) for e in uow.session.scalars(query, {"ids": chunk}))
    return [found[i] for i in event_ids if i in found]


class _Things:
    """The EPCIS identifiers of the things of some events, fetched once."""

    def __init__(self, uow: UnitOfWork, events: list[Event]) -> None:
        self.rows: dict[int, list[EventObject]] = {e.id: [] for e in events}
        query = select(EventObject).where(
            EventObject.event_id.in_(bindparam("ids", expanding=True)))
        for chunk in _chunks(list(self.rows), 900):
            for row in uow.session.scalars(query, {"ids": chunk}):
                self.rows[row.event_id].append(row)
        object_ids = sorted({r.object_id for rows in self.rows.values() for r in rows})
        self.objects: dict[int, tuple[str, int | None, str]] = {}
        query = select(TraceObject.id, TraceObject.kind, TraceObject.item_id,
                       TraceObject.code).where(TraceObject.id.in_(bindparam("ids",
                                                                            expanding=True)))
        for chunk in _chunks(object_ids, 900):
            for object_id, kind, item_id, code in uow.session.execute(query, {"ids": chunk}):
                self.objects[object_id] = (kind, item_id, code)
        item_ids = {item_id for _k, item_id, _c in self.objects.values() if item_id}
        self.gtins = catalog.gtins_by_item(uow, item_ids)
        self.items = catalog.item_refs(uow, item_ids)
        partner_ids = {int(p["partner_id"]) for e in events
                       for p in [*(e.sources or []), *(e.destinations or [])]
                       if p.get("partner_id")}
        self.partners = partners.partner_codes(uow, partner_ids)

    def uri(self, object_id: int) -> tuple[str, bool]:
        """(identifier, True when it names a class: a lot's quantity element)."""
        kind, item_id, code = self.objects[object_id]
        if kind == "container":
            return ids.sscc_dl(code), False
        gtin = self.gtins.get(item_id) if item_id else None
        item_code = (self.items.get(item_id) or ("?",))[0] if item_id else "?"
        if kind == "unit":
            return (ids.sgtin_dl(gtin, code) if gtin else ids.unit_urn(item_code, code)), False
        return (ids.lgtin_dl(gtin, code) if gtin else ids.lot_urn(item_code, code)), True

    def lists(self, event: Event) -> dict[str, Any]:
        """The thing fields of ``event`` (EPC lists, quantity lists, parent) from its rows."""
        epc_key, qty_key = {
            "AggregationEvent": ("childEPCs", "childQuantityList"),
            "AssociationEvent": ("childEPCs", "childQuantityList"),
        }.get(event.type, ("epcList", "quantityList"))
        keys = {"what": (epc_key, qty_key), "child": (epc_key, qty_key),
                "input": ("inputEPCList", "inputQuantityList"),
                "output": ("outputEPCList", "outputQuantityList")}
        out: dict[str, Any] = {}
        for row in sorted(self.rows.get(event.id, []), key=lambda r: (r.role, r.object_id)):
            uri, is_class = self.uri(row.object_id)
            if row.role == "parent":
                out["parentID"] = uri
                continue
            epcs, quantities = keys.get(row.role, (epc_key, qty_key))
            if not is_class:
                out.setdefault(epcs, []).append(uri)
                continue
            element: dict[str, Any] = {"epcClass": uri}
            if row.quantity is not None:
                element["quantity"] = _number(row.quantity)
                uom = ids.uom_out(row.uom)
                if uom:
                    element["uom"] = uom
            out.setdefault(quantities, []).append(element)
        return out

    def party(self, party: dict[str, str], key: str) -> dict[str, str]:
        """A source or destination: a partner as ``urn:medtrace:partner:{code}`` (no GLN is
        recorded for partners yet; with one it would be ``urn:epc:id:pgln:``)."""
        kind = ids.vocab_out(party.get("type") or "owning_party", "sourceDestType")
        partner_id = party.get("partner_id")
        code = self.partners.get(int(partner_id)) if partner_id else None
        if code is not None:
            uri = ids.partner_urn(code)
        else:
            uri = ids.as_uri(party.get("id") or f"partner:{partner_id}", "party")
        return {"type": kind or "owning_party", key: uri}


def _number(value: Decimal) -> int | float:
    """EPCIS quantities are JSON numbers (the schema wants ``number``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def render_event(event: Event, things: _Things) -> tuple[dict[str, Any], list[Any]]:
    """One journal event as EPCIS 2.0 JSON, and the extra ``@context`` entries it needs."""
    original = (event.extra or {}).get("epcis") if event.origin == "capture" else None
    if isinstance(original, dict):
        return _render_captured(event, original, things)
    out: dict[str, Any] = {"type": event.type, "eventTime": ids.format_time(
        event.event_time, event.tz_offset), "eventTimeZoneOffset": event.tz_offset,
        "recordTime": ids.format_time(event.record_time),
        "eventID": ids.as_uri(event.event_uid, "event")}
    if event.type != "TransformationEvent":
        out["action"] = event.action or "OBSERVE"
    lists = things.lists(event)
    if event.type == "ObjectEvent" and "quantityList" not in lists:
        lists.setdefault("epcList", [])
    out |= lists
    if event.type == "TransformationEvent" and not (
            ("inputEPCList" in lists or "inputQuantityList" in lists)
            and ("outputEPCList" in lists or "outputQuantityList" in lists)):
        # One side only (consumption, commissioning): the transformation's id ties it to the
        # other events of the same work order.
        out["transformationID"] = ids.as_uri(event.doc or event.event_uid, "transformation")
    for key, value, vocabulary in (("bizStep", event.biz_step, "bizStep"),
                                   ("disposition", event.disposition, "disposition")):
        rendered = ids.vocab_out(value, vocabulary)
        if rendered:
            out[key] = rendered
    if event.read_point:
        out["readPoint"] = {"id": ids.as_uri(event.read_point, "location")}
    if event.biz_location:
        out["bizLocation"] = {"id": ids.as_uri(event.biz_location, "location")}
    transactions = _transactions(event)
    if transactions:
        out["bizTransactionList"] = transactions
    if event.sources:
        out["sourceList"] = [things.party(p, "source") for p in event.sources]
    if event.destinations:
        out["destinationList"] = [things.party(p, "destination") for p in event.destinations]
    out["medtrace:step"] = event.step
    details = {k: v for k, v in (event.extra or {}).items() if not k.startswith("epcis")}
    if details:
        out["medtrace:details"] = details
    return out, [{"medtrace": ids.MEDTRACE_NS}]


def _transactions(event: Event) -> list[dict[str, str]]:
    out = []
    for document in event.biz_transactions or []:
        value = document.get("id") or document.get("bizTransaction")
        if not value:
            continue
        entry = {"type": ids.vocab_out(document["type"], "bizTransactionType")} \
            if document.get("type") else {}
        out.append({**entry, "bizTransaction": ids.as_uri(str(value), "doc")})
    if not out and event.doc:
        out.append({"bizTransaction": ids.as_uri(event.doc, "doc")})
    return out


def _render_captured(event: Event, original: dict[str, Any], things: _Things
                     ) -> tuple[dict[str, Any], list[Any]]:
    """A captured event as it came, with its things written from the journal's rows (Digital
    Link form) plus the class-level quantities MedTrace keeps no thing for."""
    out = {k: v for k, v in original.items() if k not in THING_KEYS and k != "@context"}
    lists = things.lists(event)
    for key in QUANTITY_KEYS:
        for element in original.get(key) or []:
            parsed = ids.parse_id(str(element.get("epcClass", "")))
            if parsed is None or parsed.kind == "class":
                lists.setdefault(key, []).append(element)
    if event.type == "ObjectEvent" and "quantityList" not in lists:
        lists.setdefault("epcList", [])
    out |= lists
    out["eventID"] = ids.as_uri(event.event_uid, "event")
    out["recordTime"] = ids.format_time(event.record_time)
    context = (event.extra or {}).get("epcis_context") or []
    inline = original.get("@context")
    if inline:
        context = [*context, *(inline if isinstance(inline, list) else [inline])]
    return out, context


def render_document(uow: UnitOfWork, events: list[Event], *, now: dt.datetime
                    ) -> dict[str, Any]:
    """An EPCISDocument holding ``events``; the ``@context`` gathers the prefixes the events'
    extension fields use (an event whose prefix clashes with another's keeps its own)."""
    things = _Things(uow, events)
    prefixes: dict[str, Any] = {}
    urls: list[str] = []
    rendered = []
    for event in events:
        out, context = render_event(event, things)
        clash = False
        for entry in context:
            if isinstance(entry, str):
                if entry != ids.CONTEXT_URL and entry not in urls:
                    urls.append(entry)
            elif isinstance(entry, dict):
                for key, value in entry.items():
                    if prefixes.setdefault(key, value) != value:
                        clash = True
        if clash:
            out["@context"] = [ids.CONTEXT_URL, *[c for c in context if isinstance(c, dict)]]
        rendered.append(out)
    return {"@context": [ids.CONTEXT_URL, *urls, *([prefixes] if prefixes else [])],
            "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": ids.format_time(now),
            "epcisBody": {"eventList": rendered}}
