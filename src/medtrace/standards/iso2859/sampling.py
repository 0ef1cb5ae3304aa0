"""Finding a single sampling plan: the code letter from Table 1, then the plan from Table 2-A,
2-B or 2-C, following the arrows (the plan's letter, and so its sample size, may differ from
the code letter)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from medtrace.standards.iso2859.tables import (
    AQLS,
    LEVELS,
    REDUCED_SAMPLE_SIZES,
    SAMPLE_SIZES,
    TABLE_1,
    TABLE_2A,
    TABLE_2B,
    TABLE_2C,
)

Severity = Literal["normal", "tightened", "reduced"]
SEVERITIES: tuple[str, ...] = ("normal", "tightened", "reduced")
DOWN, UP, BLANK = "↓", "↑", "-"
#: the largest lot size accepted (lots above 500 000 all give the same letters)
MAX_LOT_SIZE = 10**15

_TABLES = {"normal": (TABLE_2A, SAMPLE_SIZES), "tightened": (TABLE_2B, SAMPLE_SIZES),
           "reduced": (TABLE_2C, REDUCED_SAMPLE_SIZES)}


class SamplingError(ValueError):
    """A lot size, inspection level, AQL or severity the standard does not know. ``field``
    names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SamplingPlan:
    code_letter: str  # from Table 1
    plan_letter: str  # where the arrows lead (the same letter when there is no arrow)
    sample_size: int  # of the plan letter, in the severity's table
    accept: int  # Ac
    reject: int  # Re
    severity: str
    aql: str
    inspect_all: bool = False  # the sample size reaches the lot size: inspect 100 %
    lot_size: int | None = None

    @property
    def to_inspect(self) -> int:
        """How many units the inspector takes: the sample, or the whole lot."""
        if self.inspect_all and self.lot_size is not None:
            return self.lot_size
        return self.sample_size

    def as_dict(self) -> dict[str, object]:
        answer: dict[str, object] = {"code_letter": self.code_letter,
                                     "sample_size": self.sample_size, "accept": self.accept,
                                     "reject": self.reject}
        if self.plan_letter != self.code_letter:
            answer["plan_letter"] = self.plan_letter
        if self.inspect_all:
            answer["inspect_all"] = True
        return answer


def normalise_aql(aql: str | Decimal | float | int) -> str:
    """The AQL column's label (``"1.0"``, ``"0.065"``, ``"10"``) for an AQL given as text or
    number; refused when the standard has no such column."""
    try:
        value = Decimal(str(aql).strip())
    except (InvalidOperation, ValueError):
        raise SamplingError("aql", f"{aql!r} is not a number") from None
    for label in AQLS:
        if Decimal(label) == value:
            return label
    raise SamplingError("aql", f"{aql} is not one of the standard's AQLs")


def code_letter(lot_size: int, level: str) -> str:
    """Table 1: the sample size code letter of a lot size at an inspection level."""
    if level not in LEVELS:
        raise SamplingError("inspection_level", f"unknown inspection level {level!r}")
    if isinstance(lot_size, bool) or not isinstance(lot_size, int):
        raise SamplingError("lot_size", "the lot size is a whole number")
    if lot_size < 2 or lot_size > MAX_LOT_SIZE:
        raise SamplingError("lot_size", "the lot size is at least 2")
    column = LEVELS.index(level)
    for low, high, letters in TABLE_1:
        if lot_size >= low and (high is None or lot_size <= high):
            return letters[column]
    raise AssertionError("Table 1 covers every lot size from 2")  # pragma: no cover


def cell(severity: str, letter: str, aql: str) -> str:
    """One cell of a master table as printed: ``"Ac,Re"``, ``"↓"``, ``"↑"`` or ``"-"`` (blank)."""
    table, _sizes = _table(severity)
    return table[letter].split(" ")[AQLS.index(normalise_aql(aql))]


def _table(severity: str) -> tuple[dict[str, str], dict[str, int]]:
    try:
        return _TABLES[severity]
    except KeyError:
        raise SamplingError("severity", f"unknown severity {severity!r}") from None


def plan_for_letter(letter: str, aql: str | Decimal, severity: str = "normal"
                    ) -> tuple[str, int, int, int]:
    """Follow the arrows from ``letter`` in the severity's master table: (plan letter, sample
    size, Ac, Re)."""
    table, sizes = _table(severity)
    column = AQLS.index(normalise_aql(aql))
    letters = list(table)
    if letter not in table:
        raise SamplingError("code_letter", f"unknown code letter {letter!r}")
    position = letters.index(letter)
    for _ in range(len(letters)):
        value = table[letters[position]].split(" ")[column]
        if value == DOWN:
            position += 1
        elif value == UP:
            position -= 1
        elif value == BLANK:
            break
        else:
            accept, reject = (int(part) for part in value.split(","))
            found = letters[position]
            return found, sizes[found], accept, reject
        if not 0 <= position < len(letters):
            break
    raise AssertionError(f"the arrows from {letter} at AQL {aql} lead nowhere")  # pragma: no cover


def sampling_plan(lot_size: int, level: str, aql: str | Decimal,
                  severity: str = "normal") -> SamplingPlan:
    """The single sampling plan of ISO 2859-1 for a lot: letter (Table 1), then plan (Table
    2-A/2-B/2-C with the arrows). When the sample size reaches the lot size the whole lot is
    inspected (``inspect_all``), with the plan's acceptance and rejection numbers."""
    label = normalise_aql(aql)
    _table(severity)
    letter = code_letter(lot_size, level)
    plan_letter, size, accept, reject = plan_for_letter(letter, label, severity)
    return SamplingPlan(code_letter=letter, plan_letter=plan_letter, sample_size=size,
                        accept=accept, reject=reject, severity=severity, aql=label,
                        inspect_all=size >= lot_size, lot_size=lot_size)


def tighter_aql(aql: str) -> str | None:
    """The AQL one step tighter (the column to the left), for the switching score."""
    column = AQLS.index(normalise_aql(aql))
    return AQLS[column - 1] if column > 0 else None
