"""The switching rules of ISO 2859-1:1999 (clause 9 and 10.4) as a pure state machine over the
results of consecutive lots of one product from one supplier.

- start: normal inspection (9.2);
- normal → tightened: 2 lots not accepted on original inspection within 5 or fewer
  consecutive lots (9.3.2);
- tightened → normal: 5 consecutive lots accepted on original inspection (9.3.3);
- normal → reduced: the switching score (9.3.3.2) is at least 30, production is steady and
  the responsible authority approves reduced inspection (9.3.4);
- reduced → normal: a lot not accepted, irregular production, or other conditions (9.3.5);
- discontinuation: 5 lots not accepted (cumulative) on tightened inspection (9.4); inspection
  resumes, on tightened inspection, when the supplier has corrected the cause (``resume``).

The switching score starts at 0 and is reset whenever normal inspection starts. After each lot
on normal inspection: for a plan with acceptance number 2 or more, add 3 when the lot would have
been accepted with the AQL one step tighter, else reset to 0; for acceptance number 0 or 1,
add 2 when the lot is accepted, else reset to 0 (``switching_points``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

NORMAL, TIGHTENED, REDUCED = "normal", "tightened", "reduced"
#: clause 9.3.2: this many lots not accepted ...
TIGHTEN_AFTER_REJECTED = 2
#: ... within this many consecutive lots
TIGHTEN_WINDOW = 5
#: clause 9.3.3: consecutive lots accepted on tightened inspection to return to normal
NORMAL_AFTER_ACCEPTED = 5
#: clause 9.3.3.2 / 9.3.4: the switching score at which reduced inspection may start
REDUCED_SCORE = 30
#: clause 9.4: lots not accepted on tightened inspection before inspection is discontinued
DISCONTINUE_AFTER_REJECTED = 5


@dataclass(frozen=True)
class SwitchingState:
    severity: str = NORMAL
    score: int = 0  # the switching score (normal inspection)
    recent: tuple[bool, ...] = ()  # normal: outcomes of the last lots (up to 5), newest last
    accepted_run: int = 0  # tightened: consecutive lots accepted
    rejected_on_tightened: int = 0  # tightened: lots not accepted since tightened began
    discontinued: bool = False

    def entering(self, severity: str) -> SwitchingState:
        """A fresh start on ``severity``: every counter back to zero."""
        return SwitchingState(severity=severity)


@dataclass(frozen=True)
class CharacteristicResult:
    """One characteristic's result on one lot: the plan's acceptance number, the number of
    nonconforming items (or nonconformities) found, and the acceptance number the plan
    would have had with the AQL one step tighter (None when that column has no plan at the
    same sample size)."""

    accept: int
    found: int
    tighter_accept: int | None = None

    @property
    def accepted(self) -> bool:
        return self.found <= self.accept


def switching_points(result: CharacteristicResult) -> int | None:
    """Clause 9.3.3.2 a) for one plan: the points to add, or None to reset the score."""
    if result.accept >= 2:
        if result.tighter_accept is not None and result.found <= result.tighter_accept:
            return 3
        return None
    return 2 if result.accepted else None


def lot_points(results: Sequence[CharacteristicResult]) -> int | None:
    """The points of a lot inspected for several characteristics: a reset when any
    characteristic resets, else the smallest of their points (the lot earns what its
    weakest characteristic earns)."""
    points = [switching_points(r) for r in results]
    if not points or any(p is None for p in points):
        return None
    return min(p for p in points if p is not None)


@dataclass(frozen=True)
class Switch:
    state: SwitchingState
    changed: bool
    rule: str | None  # which rule switched: "tightened", "normal", "reduced", "discontinued"


def next_state(state: SwitchingState, *, accepted: bool, points: int | None = None,
               production_steady: bool = True, reduced_approved: bool = True) -> Switch:
    """The state after one more lot, inspected at ``state.severity``: ``accepted`` on original
    inspection, and (normal inspection) the switching points the lot earned (None: reset)."""
    if state.discontinued:
        raise ValueError("inspection is discontinued: resume it first")
    if state.severity == NORMAL:
        recent = (*state.recent, accepted)[-TIGHTEN_WINDOW:]
        if recent.count(False) >= TIGHTEN_AFTER_REJECTED:
            return Switch(state.entering(TIGHTENED), True, TIGHTENED)
        score = state.score + points if (accepted and points is not None) else 0
        if score >= REDUCED_SCORE and production_steady and reduced_approved:
            return Switch(state.entering(REDUCED), True, REDUCED)
        return Switch(replace(state, recent=recent, score=score), False, None)
    if state.severity == TIGHTENED:
        if accepted:
            run = state.accepted_run + 1
            if run >= NORMAL_AFTER_ACCEPTED:
                return Switch(state.entering(NORMAL), True, NORMAL)
            return Switch(replace(state, accepted_run=run), False, None)
        rejected = state.rejected_on_tightened + 1
        if rejected >= DISCONTINUE_AFTER_REJECTED:
            return Switch(replace(state, accepted_run=0, rejected_on_tightened=rejected,
                                  discontinued=True), True, "discontinued")
        return Switch(replace(state, accepted_run=0, rejected_on_tightened=rejected), False, None)
    if state.severity == REDUCED:
        if not accepted or not production_steady:
            return Switch(state.entering(NORMAL), True, NORMAL)
        return Switch(state, False, None)
    raise ValueError(f"unknown severity {state.severity!r}")


def resume(state: SwitchingState) -> SwitchingState:
    """Clause 9.4: after the supplier's corrective action, inspection resumes on tightened."""
    return SwitchingState(severity=TIGHTENED)


def replay(outcomes: Iterable[tuple[bool, int | None]], state: SwitchingState | None = None
           ) -> SwitchingState:
    """The state after a history of lots, each (accepted, points), oldest first."""
    current = state or SwitchingState()
    for accepted, points in outcomes:
        current = next_state(current, accepted=accepted, points=points).state
    return current
