"""Pure rules of cycle counts and stocktakes: the sheet's statuses and what each allows, and the
book quantity a counted line is compared with. No database here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_


class CountStatus(LabelledEnum):
    """A count sheet's life: drafted, being counted, submitted for review, then approved (the
    variances posted) or rejected (stock untouched)."""

    DRAFT = "draft", N_("draft")
    COUNTING = "counting", N_("counting")
    SUBMITTED = "submitted", N_("submitted")
    APPROVED = "approved", N_("approved")
    REJECTED = "rejected", N_("rejected")

    @property
    def open(self) -> bool:
        return self in OPEN


DRAFT, COUNTING, SUBMITTED, APPROVED, REJECTED = CountStatus
STATUSES = CountStatus.values()
OPEN = (DRAFT, COUNTING, SUBMITTED)
#: the statuses each action starts from
ALLOWED_FROM = {
    "start": (DRAFT,),
    "count": (COUNTING,),
    "submit": (COUNTING,),
    "approve": (SUBMITTED,),
    "reject": OPEN,
}
_DONE = {"start": "started", "count": "counted", "submit": "submitted",
         "approve": "approved", "reject": "rejected"}


def refused_action(action: str, status: str) -> str | None:
    """Why ``action`` may not be taken on a sheet in ``status``, or None."""
    allowed = ALLOWED_FROM[action]
    if status in allowed:
        return None
    return (f"a sheet that is {status} cannot be {_DONE[action]}; it must be "
            f"{' or '.join(allowed)}")


@dataclass(frozen=True)
class LedgerMove:
    """What a count needs of a stock move."""

    id: int
    item_id: int
    thing_key: int
    from_location_id: int
    to_location_id: int
    quantity: Decimal


def book_quantity(*, expected: Decimal, location_id: int, item_id: int, thing_key: int,
                  snapshot_move_id: int, counted_move_id: int,
                  moves: Iterable[LedgerMove]) -> Decimal:
    """What the ledger held at the line's place when it was counted: the snapshot quantity
    plus the moves after the snapshot up to the last move committed when the count was
    entered."""
    book = expected
    for move in moves:
        if not (snapshot_move_id < move.id <= counted_move_id) or move.item_id != item_id \
                or move.thing_key != thing_key:
            continue
        if move.to_location_id == location_id:
            book += move.quantity
        if move.from_location_id == location_id:
            book -= move.quantity
    return book
