"""Pure rules of inspection: the statuses and verdicts, characteristic kinds, how one
characteristic's results make its verdict and how the characteristics make the lot's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_
from medtrace.standards import iso2859


class InspectionStatus(LabelledEnum):
    OPEN = "open", N_("open")
    RESULTS_ENTERED = "results_entered", N_("results entered")
    RELEASED = "released", N_("released")
    REJECTED = "rejected", N_("rejected")
    CONDITIONAL = "conditional", N_("released on concession")

    @property
    def decided(self) -> bool:
        return self in (InspectionStatus.RELEASED, InspectionStatus.REJECTED,
                        InspectionStatus.CONDITIONAL)


class InspectionVerdict(LabelledEnum):
    ACCEPTED = "accepted", N_("accepted")
    REJECTED = "rejected", N_("rejected")
    CONDITIONAL = "conditional", N_("accepted on concession")


class CharacteristicKind(LabelledEnum):
    VISUAL = "visual", N_("visual")
    DIMENSIONAL = "dimensional", N_("dimensional")
    FUNCTIONAL = "functional", N_("functional")
    DOCUMENT = "document", N_("document (certificate of analysis)")


class Severity(LabelledEnum):
    NORMAL = "normal", N_("normal")
    TIGHTENED = "tightened", N_("tightened")
    REDUCED = "reduced", N_("reduced")


class NcStatus(LabelledEnum):
    OPEN = "open", N_("open")


LEVELS = iso2859.LEVELS
AQLS = iso2859.AQLS
#: an item without a plan is inspected with this one characteristic (docs/inspection.md)
DEFAULT_CHARACTERISTIC = {"kind": "visual", "name_zh": "外观检查", "name_en": "Visual inspection",
                          "aql": "1.0", "inspection_level": "II", "critical": False}
#: signature meanings: release, rejection, and the second signature of a concession
RELEASE_MEANING, REJECT_MEANING, CONCESSION_MEANING = "released", "rejected", "approved"


def measured_passes(value: Decimal, lower: Decimal | None, upper: Decimal | None) -> bool:
    """A measured value conforms when it lies within the limits (both inclusive)."""
    if lower is not None and value < lower:
        return False
    return not (upper is not None and value > upper)


@dataclass(frozen=True)
class CharacteristicVerdict:
    to_inspect: int
    entered: int
    nonconforming: int
    accept: int
    reject: int

    @property
    def complete(self) -> bool:
        return self.entered >= self.to_inspect

    @property
    def verdict(self) -> str | None:
        """rejected as soon as the rejection number is reached; accepted when every sample
        is entered and the nonconforming stay at most the acceptance number; else None."""
        if self.nonconforming >= self.reject:
            return InspectionVerdict.REJECTED
        if self.complete and self.nonconforming <= self.accept:
            return InspectionVerdict.ACCEPTED
        return None


def characteristic_verdict(*, to_inspect: int, accept: int, reject: int,
                           passed: Iterable[bool]) -> CharacteristicVerdict:
    results = list(passed)
    return CharacteristicVerdict(to_inspect=to_inspect, entered=len(results),
                                 nonconforming=sum(1 for p in results if not p),
                                 accept=accept, reject=reject)


def lot_verdict(verdicts: Iterable[str | None]) -> str | None:
    """The lot is rejected when any characteristic is, accepted when all are, else open."""
    found = list(verdicts)
    if any(v == InspectionVerdict.REJECTED for v in found):
        return InspectionVerdict.REJECTED
    if found and all(v == InspectionVerdict.ACCEPTED for v in found):
        return InspectionVerdict.ACCEPTED
    return None


def plan_numbers(*, lot_size: int, level: str, aql: str, severity: str, critical: bool
                 ) -> dict[str, object]:
    """The sampling plan of one characteristic, as stored on the inspection. A critical
    characteristic keeps the sample size but accepts no nonconforming item (Ac 0, Re 1)."""
    plan = iso2859.sampling_plan(lot_size, level, aql, severity)
    accept, reject = (0, 1) if critical else (plan.accept, plan.reject)
    return {"code_letter": plan.code_letter, "plan_letter": plan.plan_letter,
            "sample_size": plan.sample_size, "accept": accept, "reject": reject,
            "inspect_all": plan.inspect_all, "to_inspect": plan.to_inspect}
