"""ISO 2859-1:1999 sampling by attributes: single sampling plans indexed by AQL (Table 1 and
Tables 2-A, 2-B, 2-C, the same values as ANSI/ASQ Z1.4 and MIL-STD-105E) and the switching
rules between normal, tightened and reduced inspection.

Pure Python: no database, no web, no I/O; the tables are data in ``tables``."""

from medtrace.standards.iso2859.sampling import (
    SEVERITIES,
    SamplingError,
    SamplingPlan,
    cell,
    code_letter,
    normalise_aql,
    plan_for_letter,
    sampling_plan,
    tighter_aql,
)
from medtrace.standards.iso2859.switching import (
    CharacteristicResult,
    Switch,
    SwitchingState,
    lot_points,
    next_state,
    replay,
    resume,
    switching_points,
)
from medtrace.standards.iso2859.tables import AQLS, LEVELS

__all__ = [
    "AQLS",
    "LEVELS",
    "SEVERITIES",
    "CharacteristicResult",
    "SamplingError",
    "SamplingPlan",
    "Switch",
    "SwitchingState",
    "cell",
    "code_letter",
    "lot_points",
    "next_state",
    "normalise_aql",
    "plan_for_letter",
    "replay",
    "resume",
    "sampling_plan",
    "switching_points",
    "tighter_aql",
]
