"""Typed errors of quality: inspections, plans, decisions."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class InspectionNotFound(DomainError):
    code = "MT-QUALITY-INSPECTION-NOT-FOUND"
    status = 404
    title = N_("Inspection not found.")
    help = "No inspection with this number."


class PlanInvalid(DomainError):
    code = "MT-QUALITY-PLAN-INVALID"
    status = 422
    title = N_("The inspection plan is not valid.")
    help = ("A characteristic breaks a rule (kind, AQL, inspection level, limits of a "
            "dimensional characteristic); `errors` names each field.")


class SamplingInvalid(DomainError):
    code = "MT-QUALITY-SAMPLING-INVALID"
    status = 422
    title = N_("No sampling plan for these values.")
    help = "The lot size, inspection level, AQL or severity is not one of ISO 2859-1's."


class ResultsInvalid(DomainError):
    code = "MT-QUALITY-RESULTS-INVALID"
    status = 422
    title = N_("The inspection results are not valid.")
    help = ("A result names an unknown characteristic or a sample beyond the sample size, "
            "gives a value where pass/fail is expected (or the reverse), or a document "
            "characteristic lacks its file.")


class InspectionStateError(DomainError):
    code = "MT-QUALITY-INSPECTION-STATE"
    status = 409
    title = N_("The inspection is not in a state that allows this.")
    help = ("Results can be entered until a decision; release needs an accepted verdict, "
            "rejection a verdict, conditional release a rejected verdict and a reason; "
            "a decided inspection is final.")


class SignerMismatch(DomainError):
    code = "MT-QUALITY-SIGNER-MISMATCH"
    status = 422
    title = N_("The signature must be given by the signed-in user.")
    help = "The signature's username is not the user who sends the request."


class ReceiverMayNotSign(DomainError):
    code = "MT-QUALITY-RECEIVER-SIGNS"
    status = 422
    title = N_("The person who received the goods may not release or reject them.")
    help = "Separation of duties: the QA signature must come from someone other than the receiver."


class InspectionDiscontinued(DomainError):
    code = "MT-QUALITY-DISCONTINUED"
    status = 409
    title = N_("Inspection of this supplier's item is discontinued.")
    help = ("Five lots were not accepted on tightened inspection (ISO 2859-1, 9.4): nothing "
            "is released until QA resumes inspection after the supplier's corrective action.")


class NoTargetLocation(DomainError):
    code = "MT-QUALITY-NO-LOCATION"
    status = 422
    title = N_("No location to move the goods to.")
    help = ("Give `to_location`, or keep a location with stock status available (release) or "
            "rejected (rejection) in the warehouse where the goods sit.")
