"""What the trace pages and exports call each value of a trace answer, as msgids (translated
where they are shown): kinds of things, quality statuses, whereabouts, journal steps, party
roles, trace directions. Pure data, no I/O."""

from __future__ import annotations

from medtrace.modules.traceability.rules import LotStatus
from medtrace.platform.i18n import N_, translate

DIRECTIONS = {
    "backward": N_("Backward (what it was made of)"),
    "forward": N_("Forward (recall scope)"),
    "timeline": N_("Timeline (every event)"),
}
DIRECTION_TITLES = {
    "backward": N_("Backward trace"),
    "forward": N_("Forward trace"),
    "timeline": N_("Timeline"),
}

KINDS = {"lot": N_("lot"), "unit": N_("serial unit"), "container": N_("container")}

# quality status of lots and units: the enum's labels
STATUSES = LotStatus.labels()

# whereabouts
STATES = {
    "in_stock": N_("in stock"),
    "in_production": N_("in production"),
    "consumed": N_("consumed"),
    "shipped": N_("shipped"),
    "installed": N_("installed"),
    "returned": N_("returned"),
    "scrapped": N_("scrapped"),
}

ORIGINS = {
    "received": N_("received"),
    "created": N_("created"),
    "produced": N_("produced"),
    "split": N_("split"),
    "imported": N_("imported"),
}

STEPS = {
    "received": N_("Received"),
    "inspected": N_("Inspected"),
    "released": N_("Released"),
    "held": N_("Put on hold"),
    "rejected": N_("Rejected"),
    "recalled": N_("Recalled"),
    "moved": N_("Moved"),
    "consumed": N_("Consumed"),
    "produced": N_("Produced"),
    "split": N_("Split"),
    "packed": N_("Packed"),
    "unpacked": N_("Unpacked"),
    "shipped": N_("Shipped"),
    "delivered": N_("Delivered"),
    "returned": N_("Returned"),
    "installed": N_("Installed"),
    "serviced": N_("Serviced"),
    "replaced": N_("Component replaced"),
    "scrapped": N_("Scrapped"),
    "observed": N_("Observed"),
}

ROLES = {"what": N_("subject"), "input": N_("input"), "output": N_("output"),
         "parent": N_("container"), "child": N_("content")}

PARTY_TYPES = {"owning_party": N_("owner"), "possessing_party": N_("possessor"),
               "location": N_("location")}

EDGE_KINDS = {"production": N_("production"), "split": N_("split"), "merge": N_("merge"),
              "repack": N_("repack"), "replacement": N_("replacement"),
              "packing": N_("packing"), "capture": N_("captured")}


def label(table: dict[str, str], value: str | None, locale: str) -> str:
    """``value`` in ``locale`` by its table; unknown values as they are, None as empty."""
    if value is None:
        return ""
    text = table.get(value)
    return translate(text, locale) if text else value
