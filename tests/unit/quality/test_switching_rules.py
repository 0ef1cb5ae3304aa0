"""ISO 2859-1:1999 switching rules (clause 9), rule by rule, on the pure state machine."""

from __future__ import annotations

import pytest

from medtrace.standards.iso2859 import (
    CharacteristicResult,
    SwitchingState,
    lot_points,
    next_state,
    replay,
    resume,
    switching_points,
)

OK, NOT = (True, 2), (False, None)


def test_inspection_starts_normal() -> None:
    assert SwitchingState().severity == "normal" and SwitchingState().score == 0


def test_normal_to_tightened_when_2_of_5_consecutive_lots_are_not_accepted() -> None:
    assert replay([NOT, OK, OK, OK]).severity == "normal"
    assert replay([NOT, OK, OK, OK, NOT]).severity == "tightened"  # 2 within 5 lots
    assert replay([NOT, NOT]).severity == "tightened"  # 2 of 2 ("or fewer")
    assert replay([NOT, OK, OK, OK, OK, NOT]).severity == "normal"  # 6 lots apart


def test_tightened_to_normal_after_5_consecutive_lots_accepted() -> None:
    tight = replay([NOT, NOT])
    assert replay([OK] * 4, tight).severity == "tightened"
    assert replay([OK, OK, NOT, OK, OK, OK, OK], tight).severity == "tightened"
    back = replay([OK] * 5, tight)
    assert back.severity == "normal" and back.score == 0 and back.recent == ()


def test_the_switching_score() -> None:
    # acceptance number 0 or 1: +2 when accepted, else back to 0
    assert switching_points(CharacteristicResult(accept=1, found=1)) == 2
    assert switching_points(CharacteristicResult(accept=0, found=1)) is None
    # acceptance number 2 or more: +3 when it would pass with the AQL one step tighter
    assert switching_points(CharacteristicResult(accept=3, found=2, tighter_accept=2)) == 3
    assert switching_points(CharacteristicResult(accept=3, found=3, tighter_accept=2)) is None
    assert lot_points([CharacteristicResult(3, 0, 2), CharacteristicResult(1, 0)]) == 2
    assert lot_points([CharacteristicResult(3, 0, 2), CharacteristicResult(0, 1)]) is None
    state = replay([(True, 3)] * 4)
    assert state.score == 12
    assert replay([(True, None)], state).score == 0  # accepted, not at the tighter AQL: reset


def test_normal_to_reduced_at_score_30_with_steady_production_and_approval() -> None:
    state = replay([(True, 3)] * 9)
    assert state.severity == "normal" and state.score == 27
    assert next_state(state, accepted=True, points=3).state.severity == "reduced"
    assert next_state(state, accepted=True, points=3,
                      reduced_approved=False).state.severity == "normal"
    assert next_state(state, accepted=True, points=3,
                      production_steady=False).state.severity == "normal"
    assert replay([(True, 2)] * 15).severity == "reduced"  # Ac 0/1 plans: +2 per lot


def test_reduced_to_normal_when_a_lot_is_not_accepted_or_production_is_irregular() -> None:
    reduced = replay([(True, 3)] * 10)
    assert reduced.severity == "reduced"
    assert next_state(reduced, accepted=True, points=3).state.severity == "reduced"
    assert next_state(reduced, accepted=False).state.severity == "normal"
    assert next_state(reduced, accepted=True, production_steady=False).state.severity == "normal"


def test_discontinuation_after_5_lots_not_accepted_on_tightened() -> None:
    tight = replay([NOT, NOT])
    state = replay([NOT, OK, NOT, OK, NOT, NOT], tight)
    assert state.severity == "tightened" and not state.discontinued
    switch = next_state(state, accepted=False)
    assert switch.state.discontinued and switch.rule == "discontinued"
    with pytest.raises(ValueError, match="discontinued"):
        next_state(switch.state, accepted=True)
    resumed = resume(switch.state)
    assert resumed.severity == "tightened" and not resumed.discontinued
