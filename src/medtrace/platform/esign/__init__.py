"""Electronic signatures: ``sign`` re-authenticates, checks meaning and separation of duties,
and binds the signature to the SHA-256 of the record's canonical content; an edit afterwards
shows the signature as invalidated. ``require_signatures`` guards state changes."""

from medtrace.platform.esign.models import Signature, SignatureMeaning
from medtrace.platform.esign.service import (
    AUTHOR,
    SeparationOfDuties,
    SignaturePasswordWrong,
    SignaturePolicy,
    SignaturesMissing,
    SignatureView,
    SignerNotAUser,
    SigningLocked,
    UnknownMeaning,
    canonical_content,
    content_hash,
    list_meanings,
    manifestation,
    require_signatures,
    sign,
    signatures_for,
)

__all__ = [
    "AUTHOR",
    "SeparationOfDuties",
    "Signature",
    "SignatureMeaning",
    "SignaturePasswordWrong",
    "SignaturePolicy",
    "SignatureView",
    "SignaturesMissing",
    "SignerNotAUser",
    "SigningLocked",
    "UnknownMeaning",
    "canonical_content",
    "content_hash",
    "list_meanings",
    "manifestation",
    "require_signatures",
    "sign",
    "signatures_for",
]
