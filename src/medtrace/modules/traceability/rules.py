"""Pure traceability rules: statuses and their moves, what each journalled step means in EPCIS
terms and for a thing's whereabouts, SSCC check digits, edge kinds. No database here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medtrace.modules.catalog import gs1_check_digit
from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_

KINDS = ("lot", "unit", "container")

# --- status (quality) ------------------------------------------------------------------------
class LotStatus(LabelledEnum):
    """The quality status of a lot, serial unit or container. Only ``released`` goods may be
    issued or shipped (and only before they expire): ``queries.lot_issuable_clause`` is that
    rule in SQL, ``inventory`` and every later module filter with it."""

    QUARANTINE = "quarantine", N_("quarantine")
    RELEASED = "released", N_("released")
    REJECTED = "rejected", N_("rejected")
    ON_HOLD = "on_hold", N_("on hold")
    RECALLED = "recalled", N_("recalled")

    @property
    def issuable(self) -> bool:
        return self in ISSUABLE_STATUSES

    @property
    def final(self) -> bool:
        """No status move leads out of it."""
        return not STATUS_MOVES[self]


QUARANTINE, RELEASED, REJECTED, ON_HOLD, RECALLED = LotStatus
STATUSES = LotStatus.values()
#: what may be issued, moved to production or shipped
ISSUABLE_STATUSES = frozenset({LotStatus.RELEASED})
# Allowed moves; "any -> recalled" is added below. Releasing needs QA's e-signature.
STATUS_MOVES: dict[str, set[str]] = {
    QUARANTINE: {RELEASED, REJECTED, ON_HOLD},
    RELEASED: {ON_HOLD},
    ON_HOLD: {RELEASED, REJECTED},
    REJECTED: set(),
    RECALLED: set(),
}
for _moves in STATUS_MOVES.values():
    _moves.add(RECALLED)
STATUS_MOVES[RECALLED].discard(RECALLED)
# The permission each target status needs (see permissions.py).
STATUS_PERMISSION = {RELEASED: "release", REJECTED: "release", ON_HOLD: "hold",
                     QUARANTINE: "hold", RECALLED: "recall"}
SIGNED_STATUSES = {RELEASED: "released", REJECTED: "rejected"}  # status -> signature meaning


def status_move_allowed(current: str | None, target: str) -> bool:
    return target in STATUS_MOVES.get(current or QUARANTINE, set())


def tracking_problem(tracking: str, kind: str) -> str | None:
    """Why an item with this tracking mode cannot have a lot (``kind`` "lot") or a serial unit
    ("unit"), or None. Serialized devices may still be made in production lots (batches)."""
    if kind == "lot" and tracking == "none":
        return "not tracked by lot (tracking: none)"
    if kind == "unit" and tracking not in ("serial", "lot_serial"):
        return f"not tracked by serial number (tracking: {tracking})"
    return None


_NUMBER_CHARS = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")


def number_problem(number: str) -> str | None:
    """Lot and serial numbers as GS1 AI 10 and 21 allow them: 1 to 20 characters of GS1
    character set 82; None when the number is fine."""
    if not number:
        return "empty"
    if len(number) > 20:
        return "longer than 20 characters"
    if not _NUMBER_CHARS.issuperset(number):
        return "characters outside GS1 character set 82"
    return None


def is_expired(expiry: dt.date | None, today: dt.date) -> bool:
    """Expired is derived from the date, never stored: the expiry day itself is still usable."""
    return expiry is not None and expiry < today


# --- whereabouts ------------------------------------------------------------------------------
IN_STOCK, IN_PRODUCTION, CONSUMED, SHIPPED, INSTALLED, RETURNED, SCRAPPED = (
    "in_stock", "in_production", "consumed", "shipped", "installed", "returned", "scrapped")
STATES = (IN_STOCK, IN_PRODUCTION, CONSUMED, SHIPPED, INSTALLED, RETURNED, SCRAPPED)
# The statuses the recall scope reports (the five a finished unit can be in).
SCOPE_STATES = (IN_STOCK, SHIPPED, INSTALLED, RETURNED, SCRAPPED)


@dataclass(frozen=True)
class Step:
    """One kind of journalled happening: its EPCIS shape and what it does to whereabouts."""

    name: str
    type: str  # EPCIS event type
    action: str | None
    biz_step: str  # CBV 2.0 bare value, or a URI for MedTrace's own steps
    disposition: str | None
    state: str | None  # new whereabouts state of the things, None: unchanged
    sets_customer: bool = False  # the destination party becomes the customer
    # the destination party becomes the holder only (a distributor's unit installed at the
    # hospital that uses it: the customer stays the distributor)
    sets_holder: bool = False
    # a step about one piece of a lot (a spare fitted or removed in service) leaves the lot's
    # whereabouts alone; and a part installed into a unit leaves the host's state as it was
    parts_only: bool = False


OWN = "urn:medtrace:bizstep:"
STEPS: dict[str, Step] = {s.name: s for s in (
    Step("received", "ObjectEvent", "ADD", "receiving", "in_progress", IN_STOCK),
    Step("inspected", "ObjectEvent", "OBSERVE", "inspecting", None, None),
    Step("released", "ObjectEvent", "OBSERVE", OWN + "releasing", "available", None),
    Step("held", "ObjectEvent", "OBSERVE", "holding", "unavailable", None),
    Step("rejected", "ObjectEvent", "OBSERVE", "inspecting", "non_conformant", None),
    Step("recalled", "ObjectEvent", "OBSERVE", "holding", "recalled", None),
    Step("moved", "ObjectEvent", "OBSERVE", "storing", "in_progress", IN_STOCK),
    Step("consumed", "TransformationEvent", None, "assembling", None, CONSUMED),
    Step("produced", "TransformationEvent", None, "commissioning", "active", IN_STOCK),
    Step("split", "TransformationEvent", None, "repackaging", "active", IN_STOCK),
    Step("packed", "AggregationEvent", "ADD", "packing", "in_progress", None),
    Step("unpacked", "AggregationEvent", "DELETE", "unpacking", "in_progress", None),
    Step("shipped", "ObjectEvent", "OBSERVE", "shipping", "in_transit", SHIPPED,
         sets_customer=True),
    Step("delivered", "ObjectEvent", "OBSERVE", "receiving", "in_progress", None),
    Step("returned", "ObjectEvent", "OBSERVE", "receiving", "returned", RETURNED),
    Step("installed", "ObjectEvent", "OBSERVE", "installing", "active", INSTALLED,
         parts_only=True, sets_holder=True),
    Step("serviced", "ObjectEvent", "OBSERVE", "repairing", "active", INSTALLED,
         parts_only=True),
    # a repair of a unit that is not installed (back in the plant's depot): state unchanged
    Step("repaired", "ObjectEvent", "OBSERVE", "repairing", "active", None, parts_only=True),
    Step("removed", "ObjectEvent", "OBSERVE", "removing", "returned", RETURNED,
         parts_only=True),
    Step("replaced", "TransformationEvent", None, "replacing", "active", None),
    Step("scrapped", "ObjectEvent", "DELETE", "destroying", "destroyed", SCRAPPED),
    Step("observed", "ObjectEvent", "OBSERVE", "other", None, None),
)}
# A captured EPCIS event's bizStep names the step when the capture does not say otherwise.
STEP_BY_BIZ_STEP = {
    "receiving": "received", "inspecting": "inspected", "holding": "held", "storing": "moved",
    "stocking": "moved", "assembling": "produced", "commissioning": "produced",
    "packing": "packed", "unpacking": "unpacked", "shipping": "shipped", "installing": "installed",
    "repairing": "serviced", "replacing": "replaced", "removing": "removed",
    "destroying": "scrapped", "decommissioning": "scrapped", "repackaging": "split",
}

# --- genealogy ---------------------------------------------------------------------------------
EDGE_KINDS = ("production", "split", "merge", "repack", "replacement", "packing", "capture")
# (edge kind) -> allowed (child kind, parent kind) pairs
EDGE_SHAPES: dict[str, set[tuple[str, str]]] = {
    "production": {("lot", "unit"), ("lot", "lot"), ("unit", "unit"), ("unit", "lot")},
    "split": {("lot", "lot")},
    "merge": {("lot", "lot")},
    "repack": {("lot", "lot"), ("unit", "lot")},
    "replacement": {("lot", "unit"), ("unit", "unit")},
    "packing": {("lot", "container"), ("unit", "container"), ("container", "container")},
    "capture": {(c, p) for c in KINDS for p in KINDS},
}
# An edge document's prefix tells its kind when an import does not say (the bench workload's
# documents: WO production order, SP split, PK packing, SV service).
DOC_PREFIX_KINDS = {"WO": "production", "SP": "split", "PK": "packing", "SV": "replacement",
                    "MG": "merge", "RP": "repack"}


def edge_shape_allowed(kind: str, child_kind: str, parent_kind: str) -> bool:
    return (child_kind, parent_kind) in EDGE_SHAPES.get(kind, set())


def edge_kind_for(doc: str, child_kind: str, parent_kind: str) -> str | None:
    """The kind of an imported edge: from its document prefix, else from the shapes."""
    kind = DOC_PREFIX_KINDS.get(doc[:2].upper()) if doc else None
    if kind is None:
        kind = "packing" if parent_kind == "container" else "production"
    return kind


# --- SSCC ----------------------------------------------------------------------------------
def normalize_sscc(value: str) -> str | None:
    """An 18-digit SSCC with a valid GS1 check digit, or None. Accepts the AI 00 prefix."""
    raw = (value or "").strip()
    if raw.startswith("(00)"):
        raw = raw[4:]
    elif len(raw) == 20 and raw.startswith("00"):
        raw = raw[2:]
    if len(raw) != 18 or not raw.isdigit() or not raw.isascii():
        return None
    if gs1_check_digit(raw[:-1]) != int(raw[-1]):
        return None
    return raw


def tz_offset(moment: dt.datetime) -> str:
    """``+08:00`` for an aware datetime (EPCIS eventTimeZoneOffset)."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
