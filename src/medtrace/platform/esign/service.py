"""Signing: re-authenticate, check the meaning and separation of duties, bind to the content.

A model opts in to signature rules with ``__signatures__ = SignaturePolicy(...)`` and may list
fields that do not belong to the signed content in ``__esign_exclude__`` (by default the
bookkeeping columns; typically also the workflow status the signature moves on).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select

from medtrace.platform.actor import Actor
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.models import User
from medtrace.platform.db.base import Base
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.esign.models import Signature, SignatureMeaning
from medtrace.platform.i18n import N_

DEFAULT_EXCLUDE = frozenset({"created_at", "updated_at"})
AUTHOR = "author"


class SignerNotAUser(DomainError):
    code = "MT-ESIGN-SIGNER-NOT-USER"
    status = 403
    title = N_("Only a person can sign.")
    help = "API clients and system jobs cannot give an electronic signature."


class SignaturePasswordWrong(DomainError):
    code = "MT-ESIGN-PASSWORD-WRONG"
    status = 401
    title = N_("The password given for the signature is wrong.")
    help = "Signing re-authenticates the signer; repeated failures lock signing for the user."


class SigningLocked(DomainError):
    code = "MT-ESIGN-LOCKED"
    status = 423
    title = N_("Signing is locked for this user after failed attempts.")
    help = "An administrator must unlock signing (or reset the password)."


class UnknownMeaning(DomainError):
    code = "MT-ESIGN-UNKNOWN-MEANING"
    status = 422
    title = N_("Unknown signature meaning.")
    help = "The meaning is not in the configured list, or is deactivated."


class SeparationOfDuties(DomainError):
    code = "MT-ESIGN-SAME-PERSON"
    status = 422
    title = N_("The same person may not give both signatures.")
    help = "The record's rules require different people (e.g. approver other than author)."


class SignaturesMissing(DomainError):
    code = "MT-ESIGN-REQUIRED"
    status = 422
    title = N_("Required signatures are missing.")
    help = "The state change needs valid signatures with the listed meanings first."


@dataclass(frozen=True)
class SignaturePolicy:
    required: dict[str, int] = field(default_factory=dict)
    must_differ: tuple[tuple[str, str], ...] = ()  # meanings, or "author"
    author_attr: str | None = None  # a column holding the author's user id


@dataclass(frozen=True)
class SignatureView:
    signature: Signature
    valid: bool


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def entity_key(record: Any) -> tuple[str, str]:
    mapper = inspect(record).mapper
    identity = inspect(record).identity
    if identity is None:
        raise ValueError("sign a record after it is flushed")
    return mapper.local_table.name, "/".join(str(v) for v in identity)


def canonical_content(record: Any) -> dict[str, Any]:
    mapper = inspect(record).mapper
    excluded = DEFAULT_EXCLUDE | set(getattr(type(record), "__esign_exclude__", ()))
    return {
        attr.key: _json_safe(getattr(record, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in excluded
    }


def content_hash(record: Any) -> str:
    entity_type, entity_id = entity_key(record)
    payload = {"entity": entity_type, "id": entity_id, "content": canonical_content(record)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def list_meanings(uow: UnitOfWork, *, active_only: bool = True) -> list[SignatureMeaning]:
    query = select(SignatureMeaning).order_by(SignatureMeaning.code)
    if active_only:
        query = query.where(SignatureMeaning.active.is_(True))
    return list(uow.session.scalars(query))


def save_meaning(uow: UnitOfWork, *, code: str, label_zh: str, label_en: str,
                 active: bool = True) -> SignatureMeaning:
    meaning = uow.session.get(SignatureMeaning, code)
    if meaning is None:
        meaning = SignatureMeaning(code=code)
        uow.session.add(meaning)
    meaning.label_zh, meaning.label_en, meaning.active = label_zh, label_en, active
    uow.session.flush()
    return meaning


def _record(uow: UnitOfWork, entity_type: str, entity_id: str) -> Any | None:
    """The mapped record behind an (entity type, id) pair, if its class is known."""
    for mapper in Base.registry.mappers:
        table = getattr(mapper, "local_table", None)
        if table is not None and table.name == entity_type:
            keys = entity_id.split("/")
            try:
                return uow.session.get(mapper.class_, keys[0] if len(keys) == 1 else keys)
            except Exception:  # a malformed id simply has no record
                return None
    return None


def signatures_of(uow: UnitOfWork, entity_type: str, entity_id: str) -> list[SignatureView]:
    """Signatures of the record named by the audit-trail style (entity type, id) pair."""
    record = _record(uow, entity_type, entity_id)
    if record is not None:
        return signatures_for(uow, record)
    rows = uow.session.scalars(
        select(Signature)
        .where(Signature.entity_type == entity_type, Signature.entity_id == entity_id)
        .order_by(Signature.id)
    )
    return [SignatureView(row, False) for row in rows]  # the record is gone: nothing binds


def signatures_for(uow: UnitOfWork, record: Any) -> list[SignatureView]:
    entity_type, entity_id = entity_key(record)
    current = content_hash(record)
    rows = uow.session.scalars(
        select(Signature)
        .where(Signature.entity_type == entity_type, Signature.entity_id == entity_id)
        .order_by(Signature.id)
    )
    return [SignatureView(row, row.content_hash == current) for row in rows]


def author_of(uow: UnitOfWork, record: Any, policy: SignaturePolicy) -> int | None:
    if policy.author_attr:
        value = getattr(record, policy.author_attr, None)
        return int(value) if value is not None else None
    from medtrace.platform.audit import history_for

    for entry in history_for(uow, record):
        if entry.action.endswith(".create") and entry.actor_kind == "user" and entry.actor_id:
            return int(entry.actor_id)
    return None


def _check_duties(
    uow: UnitOfWork, record: Any, policy: SignaturePolicy, meaning: str, signer_id: int
) -> None:
    valid = [v.signature for v in signatures_for(uow, record) if v.valid]
    for first, second in policy.must_differ:
        if meaning not in (first, second):
            continue
        other = second if meaning == first else first
        if other == AUTHOR:
            if author_of(uow, record, policy) == signer_id:
                raise SeparationOfDuties(
                    f"the {meaning} signature must come from someone other than the author"
                )
        elif any(s.meaning == other and s.signer_id == signer_id for s in valid):
            raise SeparationOfDuties(
                f"the {meaning} signature must come from someone other than the {other} signer"
            )


def sign(
    uow: UnitOfWork,
    *,
    record: Any,
    meaning: str,
    password: str,
    actor: Actor,
    comment: str | None = None,
) -> Signature:
    if actor.kind != "user" or actor.id is None:
        raise SignerNotAUser()
    user = uow.session.get(User, actor.id)
    if user is None or not user.active:
        raise SignerNotAUser()
    if user.signing_locked:
        raise SigningLocked()
    if not auth_service.check_signing_password(uow, user, password):
        raise SignaturePasswordWrong()
    found = uow.session.get(SignatureMeaning, meaning)
    if found is None or not found.active:
        raise UnknownMeaning(f"unknown signature meaning {meaning!r}")
    policy = getattr(type(record), "__signatures__", None) or SignaturePolicy()
    uow.session.flush()
    _check_duties(uow, record, policy, meaning, user.id)
    entity_type, entity_id = entity_key(record)
    ref_attr = getattr(type(record), "__audit_ref__", None)
    signature = Signature(
        entity_type=entity_type, entity_id=entity_id,
        entity_ref=str(getattr(record, ref_attr)) if ref_attr else None,
        meaning=meaning, signer_id=user.id, signer_username=user.username,
        printed_name=user.printed_name, signed_at=uow.now(),
        comment=(comment or "").strip() or None, content_hash=content_hash(record),
        request_id=uow.context.get("request_id"),
    )
    uow.session.add(signature)
    uow.session.flush()
    return signature


def require_signatures(uow: UnitOfWork, record: Any) -> None:
    """Raise SignaturesMissing unless the record's policy is met by valid signatures."""
    policy = getattr(type(record), "__signatures__", None)
    if policy is None:
        return
    valid = [v.signature for v in signatures_for(uow, record) if v.valid]
    missing = []
    for meaning, count in sorted(policy.required.items()):
        signers = {s.signer_id for s in valid if s.meaning == meaning}
        if len(signers) < count:
            missing.append(f"{meaning} ×{count - len(signers)}")
    if missing:
        raise SignaturesMissing("missing: " + ", ".join(missing), missing=missing)


def manifestation(signature: Signature, meaning_label: str, timezone: str) -> str:
    """Part 11 §11.50: printed name — meaning — date and time (time zone)."""
    zone = ZoneInfo(timezone)
    local = signature.signed_at.astimezone(zone)
    return f"{signature.printed_name} — {meaning_label} — {local:%Y-%m-%d %H:%M:%S} ({timezone})"


def meaning_labels(uow: UnitOfWork, locale: str) -> dict[str, str]:
    """meaning code -> its label in ``locale`` (inactive meanings too: old signatures)."""
    return {m.code: (m.label_zh if locale.startswith("zh") else m.label_en)
            for m in list_meanings(uow, active_only=False)}


def search_signatures(
    uow: UnitOfWork, *, entity_type: str | None = None, entity_id: str | None = None,
    signer: str | None = None, since: dt.datetime | None = None,
    until: dt.datetime | None = None, limit: int = 50,
) -> list[SignatureView]:
    """Signatures matching every given filter, newest first, each with whether it still binds
    its record (the record's content is what was signed)."""
    query = select(Signature)
    if entity_type is not None:
        query = query.where(Signature.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(Signature.entity_id == str(entity_id))
    if signer is not None:
        query = query.where(Signature.signer_username == signer)
    if since is not None:
        query = query.where(Signature.signed_at >= since)
    if until is not None:
        query = query.where(Signature.signed_at < until)
    rows = list(uow.session.scalars(query.order_by(Signature.id.desc()).limit(max(0, limit))))
    hashes: dict[tuple[str, str], str | None] = {}
    views = []
    for row in rows:
        key = (row.entity_type, row.entity_id)
        if key not in hashes:
            record = _record(uow, *key)
            hashes[key] = content_hash(record) if record is not None else None
        views.append(SignatureView(row, row.content_hash == hashes[key]))
    return views
