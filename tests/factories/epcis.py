"""EPCIS test support: the official GS1 examples and schema from the reference folder beside
the repository, items for the GTINs the examples name, and a comparison of events by meaning
(URN and Digital Link spellings of one thing compare equal)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medtrace.modules import catalog
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.traceability.epcis import queries as epcis
from medtrace.modules.traceability.epcis import rules as ids
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import Settings

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "epcis"
EXAMPLES = sorted((REFERENCE / "examples").glob("*.jsonld")) if REFERENCE.is_dir() else []
EPC_KEYS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")


def schema_path() -> Path:
    found = Settings(_env_file=None).resolved_epcis_schema_path()  # type: ignore[call-arg]
    if found is None:
        pytest.skip("the EPCIS reference folder (shared/reference/epcis) is not beside the "
                    "repository")
    return found


def validator() -> Any:
    return epcis.schema_validator(schema_path())


def assert_valid(document: dict[str, Any]) -> None:
    problems = epcis.schema_errors(validator(), document)
    assert not problems, json.dumps(problems, indent=1)[:3000]


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def example(name: str) -> dict[str, Any]:
    matches = [p for p in EXAMPLES if p.name.startswith(name)]
    if not matches:
        pytest.skip("the official EPCIS examples are not beside the repository")
    return load(matches[0])


def events_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["epcisBody"]["eventList"]


def gtins_needed(document: dict[str, Any]) -> dict[str, str]:
    """``{gtin: tracking}`` for every GTIN an example names by serial or by lot."""
    needed: dict[str, str] = {}
    for event in events_of(document):
        uris = [u for key in EPC_KEYS for u in event.get(key, [])]
        uris += [event["parentID"]] if event.get("parentID") else []
        uris += [q["epcClass"] for key in epcis.QUANTITY_KEYS for q in event.get(key, [])]
        for uri in uris:
            parsed = ids.parse_id(uri)
            if parsed is None or not parsed.gtin or parsed.kind == "class":
                continue
            if parsed.kind == "unit" or needed.get(parsed.gtin) == "serial":
                needed[parsed.gtin] = "serial"
            else:
                needed[parsed.gtin] = "lot"
    return needed


def make_items_for(db: Database, document: dict[str, Any]) -> dict[str, int]:
    """An item per GTIN the document names (level 0, tracked by serial when a serial unit of
    it appears, else by lot); ``{gtin: item id}``."""
    made = {}
    with UnitOfWork(db) as uow:
        for gtin, tracking in gtins_needed(document).items():
            if catalog.find_by_gtin(uow, gtin) is not None:
                continue
            item = catalog.create_item(uow, ItemCreate(
                code=f"EX-{gtin}", name_zh=gtin, name_en=gtin, tracking=tracking,
                base_uom="EA", packaging=[{"level": 0, "name": "unit", "gtin": gtin,
                                           "quantity": "1"}]))
            made[gtin] = item.id
    return made


def _quantity(element: dict[str, Any]) -> tuple[str, Decimal | None, str | None]:
    amount = element.get("quantity")
    return (ids.canonical(element["epcClass"]),
            None if amount is None else Decimal(str(amount)), element.get("uom"))


def meaning(event: dict[str, Any]) -> dict[str, Any]:
    """The fields of an event that say what happened, spelled one way."""
    out: dict[str, Any] = {key: event.get(key) for key in (
        "type", "action", "bizStep", "disposition", "eventTimeZoneOffset", "eventID")}
    out["eventTime"] = ids.parse_time(event["eventTime"])
    for key in EPC_KEYS:
        out[key] = sorted(ids.canonical(u) for u in event.get(key) or [])
    out["parentID"] = ids.canonical(event["parentID"]) if event.get("parentID") else None
    for key in epcis.QUANTITY_KEYS:
        out[key] = sorted((_quantity(q) for q in event.get(key) or []),
                          key=lambda q: (q[0], str(q[1]), q[2] or ""))
    out["bizTransactionList"] = sorted((b.get("type", ""), b["bizTransaction"])
                                       for b in event.get("bizTransactionList") or [])
    out["sourceList"] = sorted((s["type"], s["source"]) for s in event.get("sourceList") or [])
    out["destinationList"] = sorted((d["type"], d["destination"])
                                    for d in event.get("destinationList") or [])
    out["readPoint"] = (event.get("readPoint") or {}).get("id")
    out["bizLocation"] = (event.get("bizLocation") or {}).get("id")
    return out


def assert_same_events(original: dict[str, Any], exported: dict[str, Any]) -> None:
    """Every event of ``original`` is in ``exported`` with the same meaning, and the fields
    MedTrace does not model (ilmd, sensor data, extensions...) come back unchanged."""
    sent = {e["eventID"]: e for e in events_of(original)}
    got = {e["eventID"]: e for e in events_of(exported)}
    assert set(sent) <= set(got)
    modelled = {*EPC_KEYS, *epcis.QUANTITY_KEYS, "parentID", "recordTime", "eventTime",
                "@context"}
    for event_id, event in sent.items():
        assert meaning(got[event_id]) == meaning(event), event_id
        for key, value in event.items():
            if key not in modelled:
                assert got[event_id].get(key) == value, f"{event_id}: {key}"


def gtin_of(db: Database, item_id: int) -> str:
    with UnitOfWork(db, write=False) as uow:
        return catalog.gtins_by_item(uow, [item_id])[item_id]
