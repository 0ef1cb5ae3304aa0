"""The bulk import's first half after master data: lots, receipts, serial units and logistic
units (containers). Mixed into ``bulk.TraceImport``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, text

from medtrace.modules.traceability import rules
from medtrace.modules.traceability.bulk.rules import (
    RowError,
    check_number,
    parse_date,
    parse_qty,
    parse_time,
)
from medtrace.modules.traceability.models import TraceObject

if TYPE_CHECKING:  # pragma: no cover
    from medtrace.modules.traceability.bulk.service import TraceImport


class ThingLoader:
    # --- resuming: the id maps of rows a previous run committed ------------------------------
    def _recovery(self: TraceImport, name: str) -> Callable[[int, list[str]], None] | None:
        """For a file whose first rows a previous run of these files committed: a function that
        maps each such row's source id onto the object the database holds for it (the later
        files refer to lots, units and containers by those ids)."""
        kind = {"lots.csv": "lot", "units.csv": "unit", "logistic_units.csv": "container"}.get(name)
        if kind is None:
            return None  # the other files only refer to things
        with self._uow() as uow:
            found = {(item_id, code): (object_id, made, expires)
                     for object_id, item_id, code, made, expires in uow.session.execute(
                         select(TraceObject.id, TraceObject.item_id, TraceObject.code,
                                TraceObject.manufacture_date, TraceObject.expiry_date)
                         .where(TraceObject.kind == kind))}

        def day(value: Any) -> str | None:
            return value.isoformat() if value is not None else None

        def lot(line: int, row: list[str]) -> None:
            object_id, made, expires = found[(self.items[row[1]], row[2])]
            self.ids[row[0]] = object_id
            self.lot_info[object_id] = (self.items[row[1]], day(made), day(expires))

        def unit(line: int, row: list[str]) -> None:
            self.ids[row[0]] = found[(self.items[row[1]], row[0])][0]

        by_code = {code: value[0] for (_, code), value in found.items()}  # SSCCs are unique

        def container(line: int, row: list[str]) -> None:
            self.ids[row[0]] = by_code[rules.normalize_sscc(row[0]) or row[0]]

        return {"lot": lot, "unit": unit, "container": container}[kind]

    # --- the things -------------------------------------------------------------------------
    def _lots(self: TraceImport, conn: Connection, batch: list[tuple[int, list[str]]]) -> None:
        parsed, keys, seen = [], [], set()
        for line, row in batch:
            try:
                (lot_id, item, number, origin, supplier, _doc, receipt_date, production_date,
                 expiry, qty, uom) = row[:11]
                item_id = self._item_id(item)
                problem = rules.tracking_problem(self.item_tracking[item_id], "lot")
                if problem:
                    raise RowError(f"{item}: {problem}")
                check_number(number, "lot number")
                if origin not in ("received", "split", "produced", "merged", "repacked"):
                    raise RowError(f"unknown origin {origin!r}")
                made = parse_date(production_date) or parse_date(receipt_date)
                expires = parse_date(expiry)
                if made and expires and expires < made:
                    raise RowError("the expiry date is before the production date")
                if (item_id, number) in seen or lot_id in self.ids:
                    raise RowError(f"lot {number} of {item} appears twice")
                seen.add((item_id, number))
                supplier_id = self._partner_id(supplier) if supplier else None
                if origin == "received" and supplier_id is None:
                    raise RowError("a received lot names its supplier")
                parsed.append({
                    "kind": "lot", "item_id": item_id, "code": number, "lot_id": None,
                    "status": rules.RELEASED, "origin": origin, "manufacture_date": made,
                    "expiry_date": expires, "supplier_id": supplier_id, "supplier_lot": None,
                    "quantity": parse_qty(qty), "uom": uom.upper() or None, "container_type": None,
                    "created_at": self._now, "state": None, "location": None,
                    "holder_id": None, "customer_id": None, "state_at": None,
                    "last_event_id": None, "origin_event_id": None})
                keys.append(lot_id)
            except RowError as exc:
                exc.line = line
                raise
        self._taken(conn, "lot", [(p["item_id"], p["code"]) for p in parsed])
        ids = self._new_objects(conn, "lot", parsed, keys)
        for object_id, row in zip(ids, parsed, strict=True):
            self.lot_info[object_id] = (row["item_id"], row["manufacture_date"],
                                        row["expiry_date"])

    def _receipts(self: TraceImport, conn: Connection, batch: list[tuple[int, list[str]]]) -> None:
        events, objects, states = [], [], []
        event_ids = self._reserve(conn, "traceability_event", len(batch))
        for event_id, (line, row) in zip(event_ids, batch, strict=True):
            try:
                doc, po, supplier, lot_key, item, qty, uom, received_at, inspection = row[:9]
                lot_id = self._object(lot_key, "lot")
                if self.lot_info[lot_id][0] != self._item_id(item):
                    raise RowError(f"lot {lot_key} is not a lot of {item}")
                supplier_id = self._partner_id(supplier)
                at = parse_time(received_at)
                amount = parse_qty(qty)
                if inspection not in ("accepted", "accepted_on_deviation", "rejected", ""):
                    raise RowError(f"unknown inspection result {inspection!r}")
            except RowError as exc:
                exc.line = line
                raise
            documents = [{"type": "recadv", "id": doc}] + ([{"type": "po", "id": po}] if po else [])
            events.append(self._event(
                event_id, "received", at, doc=doc, biz_transactions=documents,
                sources=[{"type": "owning_party", "id": f"partner:{supplier_id}",
                          "partner_id": str(supplier_id)}],
                extra={"inspection": inspection} if inspection else {}))
            objects.append({"event_id": event_id, "object_id": lot_id, "role": "what",
                            "quantity": amount, "uom": uom.upper() or None})
            states.append({"oid": lot_id, "at": at, "ev": event_id, "st": rules.IN_STOCK})
        self._events(conn, events, objects)
        self._set_state(conn, states)
        conn.execute(text("UPDATE traceability_object SET origin_event_id = :ev "
                          "WHERE id = :oid AND origin_event_id IS NULL"), states)

    def _set_state(self: TraceImport, conn: Connection, states: list[dict[str, Any]],
                   holder: bool = False) -> None:
        """Whereabouts, row by row, unless a later event already set them."""
        if not states:
            return
        conn.execute(text(_STATE_SQL[(conn.dialect.name == "postgresql", holder)]), states)

    def _units(self: TraceImport, conn: Connection, batch: list[tuple[int, list[str]]]) -> None:
        parsed, keys, seen = [], [], set()
        for line, row in batch:
            try:
                serial, item, lot_key, _kind, produced_at = row[:5]
                item_id = self._item_id(item)
                problem = rules.tracking_problem(self.item_tracking[item_id], "unit")
                if problem:
                    raise RowError(f"{item}: {problem}")
                check_number(serial, "serial")
                lot_id = self._object(lot_key, "lot") if lot_key else None
                made = expires = None
                if lot_id is not None:
                    lot_item, made, expires = self.lot_info[lot_id]
                    if lot_item != item_id:
                        raise RowError(f"lot {lot_key} is not a lot of {item}")
                elif self.item_tracking[item_id] == "lot_serial":
                    raise RowError(f"{item} is tracked by lot and serial: give the lot")
                if (item_id, serial) in seen or serial in self.ids:
                    raise RowError(f"serial {serial} of {item} appears twice")
                seen.add((item_id, serial))
                at = parse_time(produced_at)
            except RowError as exc:
                exc.line = line
                raise
            parsed.append({
                "kind": "unit", "item_id": item_id, "code": serial, "lot_id": lot_id,
                "status": rules.RELEASED, "origin": "produced", "manufacture_date": made,
                "expiry_date": expires, "supplier_id": None, "supplier_lot": None,
                "quantity": "1", "uom": None, "container_type": None,
                "created_at": at, "state": rules.IN_STOCK, "location": None, "holder_id": None,
                "customer_id": None, "state_at": at, "last_event_id": None,
                "origin_event_id": None})
            keys.append(serial)
        self._taken(conn, "unit", [(p["item_id"], p["code"]) for p in parsed])
        self._new_objects(conn, "unit", parsed, keys)

    def _containers(self: TraceImport, conn: Connection,
                    batch: list[tuple[int, list[str]]]) -> None:
        parsed, keys = [], []
        for line, row in batch:
            try:
                sscc, level, item, _quantity, packed_at = row[:5]
                code = rules.normalize_sscc(sscc)
                if code is None:
                    raise RowError(f"{sscc!r} is not an SSCC (18 digits, GS1 check digit)")
                if level not in ("case", "pallet", "tote", "other"):
                    raise RowError(f"unknown container level {level!r}")
                if sscc in self.ids:
                    raise RowError(f"SSCC {sscc} appears twice")
                at = parse_time(packed_at)
            except RowError as exc:
                exc.line = line
                raise
            parsed.append({
                "kind": "container", "item_id": self.items.get(item), "code": code,
                "lot_id": None, "status": None, "origin": "packed", "manufacture_date": None,
                "expiry_date": None, "supplier_id": None, "supplier_lot": None,
                "quantity": None, "uom": None, "container_type": level, "created_at": at,
                "state": rules.IN_STOCK, "location": None, "holder_id": None,
                "customer_id": None, "state_at": at, "last_event_id": None,
                "origin_event_id": None})
            keys.append(sscc)
        self._taken(conn, "container", [(None, p["code"]) for p in parsed])
        self._new_objects(conn, "container", parsed, keys)


_STATE_SQL = {
    (pg, holder): (  # noqa: S608 (constant SQL, one per database and shape)
        "UPDATE traceability_object SET state = :st, state_at = {at}, last_event_id = :ev{holder} "
        "WHERE id = :oid AND (state_at IS NULL OR state_at <= {at})"
    ).format(at="CAST(:at AS TIMESTAMP WITH TIME ZONE)" if pg else ":at",
             holder=", holder_id = :holder" if holder else "")
    for pg in (False, True) for holder in (False, True)
}
