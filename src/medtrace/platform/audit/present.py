"""The audit trail as people read it: what kind of record, which fields in words, who by name,
a link to the record, long values folded. The stored entries are not changed: this is a view."""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from medtrace.platform.audit.labels import COMMON_FIELDS, OPERATIONS
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.audit.recorder import Audited
from medtrace.platform.db.base import Base
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_, translate

#: a value longer than this is folded on the page
LONG = 120
YES, NO = N_("yes"), N_("no")


@dataclass(frozen=True)
class RecordKind:
    """One kind of audited record: its table, its name (msgid), its page and its field labels."""

    entity_type: str
    label: str
    link: str | None
    fields: dict[str, str]
    model: type

    def field_label(self, name: str) -> str | None:
        return self.fields.get(name) or COMMON_FIELDS.get(name)


def record_kinds() -> dict[str, RecordKind]:
    """Every audited table with what it says of itself, read from the mapped models (not
    cached: the models a process has imported may still grow)."""
    kinds = {}
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not issubclass(model, Audited):
            continue
        table = mapper.local_table.name
        kinds[table] = RecordKind(table, model.__audit_label__ or table, model.__audit_link__,
                                  dict(model.__audit_fields__), model)
    return kinds


def kind_choices(locale: str) -> list[tuple[str, str]]:
    """(entity type, label in ``locale``) for a record-type list, sorted by label."""
    return sorted(((k.entity_type, translate(k.label, locale)) for k in record_kinds().values()),
                  key=lambda pair: pair[1])


@dataclass
class ChangeView:
    field: str
    label: str
    old: str
    new: str

    @property
    def long(self) -> bool:
        return len(self.old) > LONG or len(self.new) > LONG


@dataclass
class EntryView:
    entry: AuditEntry
    record: str
    operation: str
    who: str
    link: str | None
    changes: list[ChangeView] = field(default_factory=list)


def _text(value: Any, locale: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate(YES if value else NO, locale)
    if isinstance(value, list):
        return ", ".join(_text(v, locale) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _fields_of(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def _link(uow: UnitOfWork, kind: RecordKind | None, entity_id: str,
          loaded: dict[tuple[str, str], Any]) -> str | None:
    """The record's page; a template over other fields than the id reads the record (a deleted
    record has no page)."""
    if kind is None or not kind.link:
        return None
    names = _fields_of(kind.link)
    if names <= {"id"}:
        return kind.link.format(id=quote(entity_id, safe=""))
    key = (kind.entity_type, entity_id)
    if key not in loaded:
        loaded[key] = _load(uow, kind, entity_id)
    record = loaded[key]
    if record is None:
        return None
    values = {name: getattr(record, name, None) for name in names}
    if any(v is None for v in values.values()):
        return None
    return kind.link.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def _load(uow: UnitOfWork, kind: RecordKind, entity_id: str) -> Any | None:
    columns = list(kind.model.__mapper__.primary_key)
    if len(columns) != 1:
        return None
    try:
        key = columns[0].type.python_type(entity_id)
    except (TypeError, ValueError, NotImplementedError):
        return None
    return uow.session.get(kind.model, key)


def printed_names(uow: UnitOfWork, usernames: Iterable[str]) -> dict[str, str]:
    """username -> printed name, for the users among ``usernames``."""
    from medtrace.platform.auth.models import User

    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = uow.session.execute(select(User.username, User.printed_name)
                               .where(User.username.in_(wanted)))
    return {username: name for username, name in rows}


def present(uow: UnitOfWork, entries: Sequence[AuditEntry], locale: str) -> list[EntryView]:
    """Entries as people read them, in ``locale``."""
    kinds = record_kinds()
    names = printed_names(uow, (e.actor_name for e in entries if e.actor_kind == "user"))
    loaded: dict[tuple[str, str], Any] = {}
    views = []
    for entry in entries:
        kind = kinds.get(entry.entity_type)
        operation = entry.operation
        changes = []
        for name, change in (entry.changes or {}).items():
            label = kind.field_label(name) if kind else None
            old, new = (change.get("old"), change.get("new")) if isinstance(change, dict) \
                else (None, change)
            changes.append(ChangeView(name, translate(label, locale) if label else name,
                                      _text(old, locale), _text(new, locale)))
        views.append(EntryView(
            entry=entry,
            record=translate(kind.label, locale) if kind else entry.entity_type,
            operation=translate(OPERATIONS[operation], locale) if operation in OPERATIONS
            else operation,
            who=names.get(entry.actor_name, entry.actor_name),
            link=_link(uow, kind, entry.entity_id, loaded) if operation != "delete" else None,
            changes=changes,
        ))
    return views


@dataclass
class SignatureRow:
    """An e-signature as the audit page and a record's page show it (Part 11 §11.50)."""

    at: Any
    signer: str
    printed_name: str
    meaning: str
    record: str
    link: str | None
    comment: str | None
    valid: bool


def signature_rows(uow: UnitOfWork, views: Sequence[Any], locale: str) -> list[SignatureRow]:
    """``esign.SignatureView`` objects as rows in ``locale``, each linked to its record."""
    from medtrace.platform import esign

    if not views:
        return []
    labels = esign.meaning_labels(uow, locale)
    kinds = record_kinds()
    loaded: dict[tuple[str, str], Any] = {}
    rows = []
    for view in views:
        sig = view.signature
        kind = kinds.get(sig.entity_type)
        record = translate(kind.label, locale) if kind else sig.entity_type
        rows.append(SignatureRow(
            at=sig.signed_at, signer=sig.signer_username, printed_name=sig.printed_name,
            meaning=labels.get(sig.meaning, sig.meaning),
            record=f"{record} {sig.entity_ref or sig.entity_id}",
            link=_link(uow, kind, sig.entity_id, loaded), comment=sig.comment,
            valid=view.valid))
    return rows


def record_trail(uow: UnitOfWork, record: Any, locale: str
                 ) -> tuple[list[EntryView], list[SignatureRow]]:
    """A record's own history (newest first) and its signatures, for its page."""
    from medtrace.platform import esign
    from medtrace.platform.audit.queries import history_for

    entries = list(reversed(history_for(uow, record)))
    return (present(uow, entries, locale),
            signature_rows(uow, esign.signatures_for(uow, record), locale))


def history_context(uow: UnitOfWork, record: Any, locale: str,
                    signed: Iterable[Any] = ()) -> dict[str, Any]:
    """Template context of the History panel (``audit/_history.html``): the record's entries
    and the signatures of the record and of ``signed`` (records signed on its behalf, such as
    a partner's first-business approvals)."""
    from medtrace.platform import esign

    entries, signatures = record_trail(uow, record, locale)
    for other in signed:
        signatures += signature_rows(uow, esign.signatures_for(uow, other), locale)
    return {"history": entries, "signatures": signatures}
