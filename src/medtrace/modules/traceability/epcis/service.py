"""EPCIS 2.0 capture: a document (or a single event) from another system, validated against
the official JSON schema, journalled through ``record_event`` in the caller's unit of work, all
events or none.

Each event keeps its ``eventID`` as our ``event_uid`` (an event without one gets a hash of its
content), so capturing the same events again records nothing twice: the ids already journalled
are skipped and reported. The things an event names are found, or created when their item is
known (a lot by GTIN + lot, a serial unit by GTIN + serial, a container by SSCC); anything else
is refused with the field that names it. The step comes from the business step
(``rules.STEP_BY_BIZ_STEP``; unknown steps are ``observed``); the original event is kept in
``Event.extra["epcis"]`` so that export gives back what MedTrace does not model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import rules, service
from medtrace.modules.traceability.epcis import queries as epcis
from medtrace.modules.traceability.epcis import rules as ids
from medtrace.modules.traceability.errors import EventInvalid
from medtrace.modules.traceability.models import Edge, Event, TraceObject
from medtrace.modules.traceability.service import Part, Party
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_

MAX_EVENTS = 10000
SCHEMA_FAILED = N_("The EPCIS document does not pass the EPCIS 2.0 JSON schema; `errors` "
                   "lists each problem. Nothing was recorded.")
LOT_NUMBER_KEYS = ("cbvmda:lotNumber", "urn:epcglobal:cbv:mda:lotNumber")
# A transformation's genealogy links, by step (when every link has an allowed shape).
EDGE_KIND_BY_STEP = {"produced": "production", "split": "split", "replaced": "replacement"}


@dataclass
class CaptureResult:
    captured: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: {"lots": 0, "units": 0,
                                                             "containers": 0})

    def as_dict(self) -> dict[str, Any]:
        return {"captured": self.captured, "skipped": self.skipped, "created": self.created}


def _refuse(where: str, message: str) -> EventInvalid:
    return EventInvalid(f"{where}: {message}", errors=[{"field": where, "message": message}])


def capture(uow: UnitOfWork, document: Any, *, schema_path: Path | None) -> CaptureResult:
    """Validate ``document`` (an EPCISDocument, an EPCISQueryDocument or one event) against the
    schema at ``schema_path`` and journal its events (``origin="capture"``) in ``uow``."""
    validator = epcis.schema_validator(schema_path)
    if not isinstance(document, dict):
        raise _refuse("(document)", "an EPCIS document or event is a JSON object")
    problems = epcis.schema_errors(validator, document)
    if problems:
        raise EventInvalid(SCHEMA_FAILED, errors=problems)
    events, prefix, context = _events_of(document)
    if len(events) > MAX_EVENTS:
        raise _refuse(prefix.rstrip("."), f"at most {MAX_EVENTS} events per capture")
    uids = [_uid(event) for event in events]
    for index, uid in enumerate(uids):
        if len(uid) > 160:
            raise _refuse(f"{prefix}{index}.eventID", "longer than 160 characters")
    known: set[str] = set()
    query = select(Event.event_uid).where(Event.event_uid.in_(bindparam("uids", expanding=True)))
    for start in range(0, len(uids), 900):
        known.update(uow.session.scalars(query, {"uids": uids[start:start + 900]}))
    result = CaptureResult()
    recorder = _Recorder(uow, context, result)
    for index, (event, uid) in enumerate(zip(events, uids, strict=True)):
        if uid in known:
            result.skipped.append(uid)
            continue
        known.add(uid)
        where = f"{prefix}{index}" if prefix else "(event)"
        try:
            recorder.record(event, uid, where)
        except EventInvalid:
            raise
        except DomainError as exc:  # a rule of the journal or the genealogy, with its code
            exc.detail = f"{where} ({uid}): {exc.detail or exc.title}"
            exc.errors = [{**e, "field": f"{where}.{e.get('field', '')}"}
                          for e in exc.errors or []] or [{"field": where,
                                                           "message": str(exc.detail)}]
            raise
        result.captured.append(uid)
    return result


def _events_of(document: dict[str, Any]) -> tuple[list[dict[str, Any]], str, list[Any]]:
    """(events, the path prefix of their fields, the document's own ``@context`` entries)."""
    kind = document.get("type")
    context = document.get("@context") or []
    extras = [c for c in (context if isinstance(context, list) else [context])
              if c != ids.CONTEXT_URL]
    if kind == "EPCISDocument":
        return list(document["epcisBody"]["eventList"]), "epcisBody.eventList.", extras
    if kind == "EPCISQueryDocument":
        body = document["epcisBody"]["queryResults"]["resultsBody"]
        return (list(body.get("eventList") or []),
                "epcisBody.queryResults.resultsBody.eventList.", extras)
    if kind in epcis.EVENT_TYPES:
        return [document], "", []  # a single event keeps its @context in itself
    raise _refuse("type", f"{kind!r} is not an EPCIS document nor an event type MedTrace "
                          "captures")


def _uid(event: dict[str, Any]) -> str:
    """The event's ``eventID``; without one, a hash of its content (so a re-capture still
    finds it)."""
    given = event.get("eventID")
    if isinstance(given, str) and given:
        return given
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "urn:medtrace:event:sha-256:" + hashlib.sha256(canonical.encode()).hexdigest()


class _Recorder:
    """Journals captured events, finding or creating their things once per capture."""

    def __init__(self, uow: UnitOfWork, context: list[Any], result: CaptureResult) -> None:
        self.uow = uow
        self.context = context
        self.result = result
        self.things: dict[tuple[str, int | None, str], TraceObject] = {}

    # -- one event ---------------------------------------------------------------------------
    def record(self, event: dict[str, Any], uid: str, where: str) -> None:
        kind = event.get("type")
        if kind not in epcis.EVENT_TYPES:
            raise _refuse(f"{where}.type", f"{kind!r}: MedTrace captures ObjectEvent, "
                                           "AggregationEvent, TransformationEvent, "
                                           "TransactionEvent and AssociationEvent")
        lot_hint = next((str(v) for k, v in (event.get("ilmd") or {}).items()
                         if k in LOT_NUMBER_KEYS and v), None)
        what: list[Part] = []
        inputs: list[Part] = []
        outputs: list[Part] = []
        parent = None
        if kind == "TransformationEvent":
            inputs = self._parts(event, "inputEPCList", "inputQuantityList", where, lot_hint)
            outputs = self._parts(event, "outputEPCList", "outputQuantityList", where,
                                  lot_hint)
        elif kind == "ObjectEvent":
            what = self._parts(event, "epcList", "quantityList", where, lot_hint)
        else:
            if event.get("parentID"):
                parent = self._thing(event["parentID"], f"{where}.parentID", lot_hint)
            keys = (("epcList", "quantityList") if kind == "TransactionEvent"
                    else ("childEPCs", "childQuantityList"))
            what = self._parts(event, *keys, where, lot_hint)
        if not (what or inputs or outputs or parent):
            raise _refuse(where, "names no lot, serial unit or container (quantities of a "
                                 "GTIN without lot are not traced one by one)")
        step = self._step(event)
        if parent is not None and parent.kind != "container" and step in ("packed", "unpacked"):
            step = "observed"  # packing links go into containers; others are linked below
        try:
            moment = ids.parse_time(event["eventTime"]).astimezone(
                ids.zone(event["eventTimeZoneOffset"]))
        except ValueError as exc:
            raise _refuse(f"{where}.eventTime", f"not a time MedTrace can read ({exc})") from exc
        transactions = [
            {**({"type": t} if (t := ids.vocab_in(bt.get("type"), "bizTransactionType"))
                else {}), "id": ids.from_uri(bt["bizTransaction"], "doc")}
            for bt in event.get("bizTransactionList") or []]
        doc = next((t["id"] for t in transactions if len(t["id"]) <= 64), None)
        extra: dict[str, Any] = {"epcis": event}
        if self.context:
            extra["epcis_context"] = self.context
        journalled = service.record_event(
            self.uow, step=step, what=what, inputs=inputs, outputs=outputs, parent=parent,
            at=moment, read_point=self._place(event, "readPoint", where),
            biz_location=self._place(event, "bizLocation", where), doc=doc,
            biz_transactions=transactions,
            sources=[self._party(p, "source") for p in event.get("sourceList") or []],
            destinations=[self._party(p, "destination")
                          for p in event.get("destinationList") or []],
            disposition=ids.vocab_in(event.get("disposition"), "disposition"), extra=extra,
            event_uid=uid, edge_kind=self._edge_kind(step, inputs, outputs),
            origin="capture", event_type=kind, action=event.get("action"))
        if kind == "AggregationEvent" and parent is not None:
            self._aggregate(journalled, step, parent, what, event.get("action") or "OBSERVE")

    def _step(self, event: dict[str, Any]) -> str:
        own = event.get("medtrace:step")  # what a MedTrace export says it was
        if isinstance(own, str) and own in rules.STEPS:
            return own
        biz_step = ids.vocab_in(event.get("bizStep"), "bizStep") or ""
        return rules.STEP_BY_BIZ_STEP.get(biz_step, "observed")

    @staticmethod
    def _edge_kind(step: str, inputs: list[Part], outputs: list[Part]) -> str | None:
        if not (inputs and outputs):
            return None
        kind = EDGE_KIND_BY_STEP.get(step, "capture")
        shapes_ok = all(rules.edge_shape_allowed(kind, i.object.kind, o.object.kind)
                        for i in inputs for o in outputs)
        return kind if shapes_ok else "capture"

    def _place(self, event: dict[str, Any], key: str, where: str) -> str | None:
        value = (event.get(key) or {}).get("id")
        if not value:
            return None
        place = ids.from_uri(value, "location")
        if len(place) > 200:
            raise _refuse(f"{where}.{key}.id", "longer than 200 characters")
        return place

    def _party(self, entry: dict[str, str], key: str) -> Party:
        kind = ids.vocab_in(entry.get("type"), "sourceDestType") or "owning_party"
        code = ids.partner_code(entry[key])
        partner = partners.get_partner_by_code(self.uow, code) if code else None
        if partner is not None:
            return Party(kind, partner_id=partner.id)
        return Party(kind, id=entry[key])

    def _aggregate(self, event: Event, step: str, parent: TraceObject, children: list[Part],
                   action: str) -> None:
        """Genealogy of an aggregation that ``record_event`` did not link: ADD links the
        children, OBSERVE links those not packed anywhere yet, DELETE unlinks them (all of
        them when none is named)."""
        if step in ("packed", "unpacked") and children:
            return  # record_event linked or unlinked them
        kinds = ("packing", "capture")
        kind = "packing" if parent.kind == "container" else "capture"
        child_ids = [p.object.id for p in children]
        if action == "DELETE":
            query = select(Edge).where(Edge.parent_id == parent.id, Edge.kind.in_(kinds),
                                       Edge.reversed.is_(False))
            if child_ids:
                query = query.where(Edge.child_id.in_(child_ids))
            for edge in self.uow.session.scalars(query).all():
                service.reverse_link(self.uow, edge_id=edge.id,
                                     reason=f"unpacked ({event.event_uid})")
            return
        if not child_ids:
            return
        linked = select(Edge.child_id).where(Edge.child_id.in_(child_ids), Edge.kind.in_(kinds),
                                             Edge.reversed.is_(False))
        if action == "ADD":
            linked = linked.where(Edge.parent_id == parent.id)
        skip = set(self.uow.session.scalars(linked))
        for part in children:
            if part.object.id not in skip:
                service.link(self.uow, child=part.object, parent=parent, kind=kind,
                             doc=event.doc, at=event.event_time, event=event)

    # -- things ------------------------------------------------------------------------------
    def _parts(self, event: dict[str, Any], epc_key: str, quantity_key: str, where: str,
               lot_hint: str | None) -> list[Part]:
        parts: dict[int, Part] = {}
        for index, uri in enumerate(event.get(epc_key) or []):
            thing = self._thing(uri, f"{where}.{epc_key}.{index}", lot_hint)
            parts.setdefault(thing.id, Part(thing))
        for index, element in enumerate(event.get(quantity_key) or []):
            at = f"{where}.{quantity_key}.{index}"
            uri = str(element.get("epcClass", ""))
            parsed = ids.parse_id(uri)
            if parsed is None and uri.startswith(("urn:epc:class:lgtin:", "urn:epc:idpat:",
                                                  ids.MEDTRACE)):
                raise _refuse(f"{at}.epcClass", f"{uri} is not a valid class identifier")
            if parsed is None or parsed.kind == "class":
                continue  # a class without lot: kept in the original event, not traced
            if parsed.kind != "lot":
                raise _refuse(f"{at}.epcClass", f"{uri} names one thing, not a class")
            thing = self._lot(parsed, f"{at}.epcClass")
            quantity = None
            if element.get("quantity") is not None:
                quantity = Decimal(str(element["quantity"]))
                if quantity < 0:
                    raise _refuse(f"{at}.quantity", "a quantity is not negative")
            uom = ids.uom_in(element.get("uom"))
            known = parts.get(thing.id)
            if known is None:
                parts[thing.id] = Part(thing, quantity, uom)
            elif known.quantity is not None and quantity is not None and known.uom == uom:
                known.quantity += quantity
        return list(parts.values())

    def _thing(self, uri: str, where: str, lot_hint: str | None) -> TraceObject:
        parsed = ids.parse_id(uri)
        if parsed is None:
            raise _refuse(where, f"{uri} is not an identifier MedTrace traces (an SGTIN or an "
                                 "SSCC as EPC URN or GS1 Digital Link URI)")
        if parsed.kind == "container":
            return self._container(parsed.sscc or "", where)
        if parsed.kind == "unit":
            return self._unit(parsed, where, lot_hint)
        raise _refuse(where, f"{uri} names a class (a lot or a GTIN), not one thing: give it "
                             "in a quantity list")

    def _item(self, parsed: ids.EpcId, where: str) -> tuple[Any, int]:
        """(item, packaging level) of a GTIN or an item code; refused when unknown."""
        if parsed.gtin:
            hit = catalog.find_by_gtin(self.uow, parsed.gtin)
            if hit is None:
                raise _refuse(where, f"no item has the GTIN {parsed.gtin}: create the item "
                                     "with this GTIN first")
            return hit[0], hit[1].level
        item = catalog.get_item_by_code(self.uow, parsed.item_code or "")
        if item is None:
            raise _refuse(where, f"no item {parsed.item_code}")
        return item, 0

    def _remember(self, thing: TraceObject) -> TraceObject:
        item_id = None if thing.kind == "container" else thing.item_id
        self.things[(thing.kind, item_id, thing.code)] = thing
        return thing

    def _lot(self, parsed: ids.EpcId, where: str, item: Any = None) -> TraceObject:
        if item is None:
            item, _level = self._item(parsed, where)
        number = parsed.lot or ""
        cached = self.things.get(("lot", item.id, number))
        if cached is not None:
            return cached
        found = service.find(self.uow, "lot", number, item.id)
        if found is None:
            found = self._create(where, lambda: service.create_lot(
                self.uow, item_id=item.id, number=number, origin="captured"), "lots")
        return self._remember(found)

    def _unit(self, parsed: ids.EpcId, where: str, lot_hint: str | None) -> TraceObject:
        item, level = self._item(parsed, where)
        serial = parsed.serial or ""
        cached = self.things.get(("unit", item.id, serial))
        if cached is not None:
            return cached
        found = service.find(self.uow, "unit", serial, item.id)
        if found is None:
            if level != 0:
                raise _refuse(where, f"GTIN {parsed.gtin} is packaging level {level} of "
                                     f"{item.code}: serial units carry the GTIN of level 0")
            number = parsed.lot or lot_hint
            lot = self._lot(ids.EpcId("lot", gtin=parsed.gtin, lot=number), where, item) \
                if number else None
            found = self._create(where, lambda: service.create_unit(
                self.uow, item_id=item.id, serial=serial, lot_id=lot.id if lot else None,
                origin="captured"), "units")
        return self._remember(found)

    def _container(self, sscc: str, where: str) -> TraceObject:
        cached = self.things.get(("container", None, sscc))
        if cached is not None:
            return cached
        found = service.find(self.uow, "container", sscc)
        if found is None:
            found = self._create(where, lambda: service.create_container(
                self.uow, sscc=sscc, container_type="other"), "containers")
        return self._remember(found)

    def _create(self, where: str, make: Any, counter: str) -> TraceObject:
        try:
            thing = make()
        except DomainError as exc:  # the item's tracking, the number's characters...
            raise _refuse(where, str(exc.detail or exc.title)) from exc
        self.result.created[counter] += 1
        return thing
