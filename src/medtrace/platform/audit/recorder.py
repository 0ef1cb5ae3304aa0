"""Records every insert, update and delete of ``Audited`` instances into ``audit_entry``, in the
transaction that makes the change. No service writes audit rows by hand.

- ``before_flush`` refuses changes to records in a controlled state when the unit of work gives
  no reason, and reads old values that were never loaded.
- mapper events (``after_insert/update/delete`` on ``Audited``, propagated to every subclass)
  capture each row the flush writes, orphans included, while attribute history is intact.
- ``after_flush`` adds rows of plain association tables (``relationship(secondary=...)``) from
  the flush's own history and queues the entries in the session (``appending.py``): they are
  chained at ``before_commit``, under the chain lock, so the lock is held only for the append and
  the commit.
- ``do_orm_execute`` refuses bulk INSERT/UPDATE/DELETE statements on audited tables through the
  session: they would change records without any entry; and a query of ``audit_entry`` appends
  the transaction's queued entries first, so a transaction reads its own changes' entries.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import chain
from typing import Any, ClassVar

from sqlalchemy import Column, Connection, Table, and_, event, inspect, select
from sqlalchemy.orm import (
    Mapper,
    ORMExecuteState,
    Session,
    UOWTransaction,
    attributes,
    object_session,
)
from sqlalchemy.orm.state import InstanceState
from sqlalchemy.orm.util import identity_key

from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.audit import appending
from medtrace.platform.audit.chain import NewEntry, canonical_json
from medtrace.platform.audit.errors import AuditBypassError, ReasonRequired
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.audit.values import (
    MASK,
    action_for,
    entity_id_for,
    jsonable,
    primary_key_of,
)
from medtrace.platform.db.base import utcnow

_PENDING = "medtrace.audit.pending"
_OLD = "medtrace.audit.old"
_CHECKED = "medtrace.audit.checked"


class Audited:
    """Mixin: every insert, update and delete of the model is recorded in the audit trail.

    - ``__audit_ref__``: attribute giving the human reference (``"username"``); without it the
      primary key is shown, foreign keys replaced by the referenced record's reference.
    - ``__audit_exclude__``: fields whose changes are recorded as ``"***"``, never their content.
    - ``__audit_ignore__``: bookkeeping fields whose changes are not recorded at all.
    - ``__audit_controlled__``: ``("status", {"released", "approved"})``: changing or deleting a
      record that is in one of these states needs ``uow.context["reason"]``.
    - ``__audit_label__``: what one record is, a msgid (``N_("Item")``), shown on the audit page.
    - ``__audit_link__``: the record's page, a format string over its fields
      (``"/catalog/items/{id}"``).
    - ``__audit_fields__``: labels (msgids) of the fields the shared vocabulary of
      ``labels.COMMON_FIELDS`` does not name.
    """

    __audit_ref__: ClassVar[str | None] = None
    __audit_exclude__: ClassVar[Collection[str]] = ()
    __audit_ignore__: ClassVar[Collection[str]] = ()
    __audit_controlled__: ClassVar[tuple[str, Collection[Any]] | None] = None
    __audit_label__: ClassVar[str | None] = None
    __audit_link__: ClassVar[str | None] = None
    __audit_fields__: ClassVar[dict[str, str]] = {}


def _context(session: Session) -> dict[str, Any]:
    uow = session.info.get("uow")
    return getattr(uow, "context", None) or {}


def _connection(session: Session) -> Connection:
    return session.connection(bind_arguments={"mapper": inspect(AuditEntry)})


# --- before the flush: reasons, old values --------------------------------------------------


def _before_flush(session: Session, _flush_context: UOWTransaction, _instances: Any) -> None:
    info = session.info
    info[_PENDING], info[_OLD], info[_CHECKED] = [], {}, set()
    deleted = {inspect(o) for o in session.deleted if isinstance(o, Audited)}
    changed = deleted | {inspect(o) for o in session.dirty if isinstance(o, Audited)}
    if not changed and not any(isinstance(o, Audited) for o in session.new):
        return
    for state in changed:
        _load_unknown_old_values(session, state, deleting=state in deleted)
    if not _context(session).get("reason"):
        for state in changed:
            _check_controlled(session, state, deleting=state in deleted)


def _load_unknown_old_values(session: Session, state: InstanceState[Any], deleting: bool) -> None:
    """Old values the session never loaded (expired or deferred) are read from the database."""
    if state.key is None:
        return
    mapper = state.mapper
    controlled = state.class_.__audit_controlled__
    missing = []
    for prop in mapper.column_attrs:
        key = prop.key
        unloaded = key not in state.dict and key not in state.committed_state
        if deleting:
            unknown = unloaded
        else:
            history = state.attrs[key].history
            unknown = bool(history.added) and not history.deleted
            unknown = unknown or (controlled is not None and key == controlled[0] and unloaded)
        if unknown:
            missing.append(prop)
    if not missing:
        return
    where = and_(*(c == v for c, v in zip(mapper.primary_key, state.key[1], strict=True)))
    query = select(*(p.columns[0] for p in missing)).where(where)
    row = _connection(session).execute(query).first()
    if row is not None:
        session.info[_OLD][state] = {p.key: v for p, v in zip(missing, row, strict=True)}


def _old_value(session: Session, state: InstanceState[Any], key: str) -> Any:
    history = state.attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return session.info.get(_OLD, {}).get(state, {}).get(key, state.dict.get(key))


def _is_modified(state: InstanceState[Any]) -> bool:
    ignore = set(state.class_.__audit_ignore__)
    keys = [p.key for p in chain(state.mapper.column_attrs, state.mapper.relationships)]
    return any(state.attrs[k].history.has_changes() for k in keys if k not in ignore)


def _check_controlled(session: Session, state: InstanceState[Any], *, deleting: bool) -> None:
    spec = state.class_.__audit_controlled__
    checked: set[InstanceState[Any]] = session.info.setdefault(_CHECKED, set())
    if spec is None or state in checked:
        return
    checked.add(state)
    if not deleting and not _is_modified(state):
        return
    key, values = spec
    old = _old_value(session, state, key)
    if old in values or getattr(old, "value", old) in values:
        table = state.mapper.local_table.name  # type: ignore[attr-defined]
        record = entity_id_for(primary_key_of(state.mapper, state))
        raise ReasonRequired(
            f"{table} {record} is {jsonable(old)}: give a reason to "
            f"{'delete' if deleting else 'change'} it",
            entity_type=table, entity_id=record,
        )


# --- during the flush: what each written row changed ------------------------------------------


def _column_changes(mapper: Mapper[Any], state: InstanceState[Any], operation: str,
                    old_values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    cls = mapper.class_
    exclude, ignore = set(cls.__audit_exclude__), set(cls.__audit_ignore__)
    changes = {}
    for prop in mapper.column_attrs:
        key = prop.key
        if key in ignore:
            continue
        if operation == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            new = history.added[0] if history.added else None
            old = history.deleted[0] if history.deleted else old_values.get(key)
        elif operation == "create":
            old, new = None, state.dict.get(key)
        else:
            old, new = state.dict.get(key, old_values.get(key)), None
        old, new = jsonable(old), jsonable(new)
        if operation == "update" and canonical_json(old) == canonical_json(new):
            continue
        if key in exclude:
            old, new = (None if old is None else MASK), (None if new is None else MASK)
        changes[key] = {"old": old, "new": new}
    return changes


def _capture(operation: str, mapper: Mapper[Any], target: Any) -> None:
    state = inspect(target)
    session = object_session(target)
    if session is None:
        return
    old_values = session.info.get(_OLD, {}).get(state, {})
    changes = _column_changes(mapper, state, operation, old_values)
    if changes:
        pk = list(zip(mapper.primary_key, primary_key_of(mapper, state), strict=True))
        ref_attr = mapper.class_.__audit_ref__
        ref = state.dict.get(ref_attr) if ref_attr else None
        session.info.setdefault(_PENDING, []).append(
            (operation, mapper.local_table, pk, changes, ref_attr is not None, ref)
        )


def _before_delete(_mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    """Orphans deleted by cascade were not in ``session.deleted`` when the flush began."""
    session = object_session(target)
    if session is not None and not _context(session).get("reason"):
        _check_controlled(session, inspect(target), deleting=True)


def _after_insert(mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    _capture("create", mapper, target)


def _after_update(mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    _capture("update", mapper, target)


def _after_delete(mapper: Mapper[Any], _conn: Connection, target: Any) -> None:
    _capture("delete", mapper, target)


# --- after the flush: association tables, references, the queue -------------------------------


def _collection_changes(session: Session, flush_context: UOWTransaction) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    seen: set[tuple[Any, ...]] = set()
    deleted = {inspect(o) for o in session.deleted}
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, Audited):
            continue
        state = inspect(obj)
        for prop in state.mapper.relationships:
            if prop.secondary is None or prop.viewonly:
                continue
            history = flush_context.get_attribute_history(
                state, prop.key, attributes.PASSIVE_NO_INITIALIZE
            )
            if state in deleted:
                moves = [("delete", child) for child in history.non_added()]
            else:
                moves = [("create", c) for c in history.added]
                moves += [("delete", c) for c in history.deleted]
            for operation, child in moves:
                if child is None:
                    continue
                row = _association_row(prop, state, child)
                key = (prop.secondary.name, operation, tuple(sorted((c.name, repr(v))
                                                                    for c, v in row.items())))
                if key not in seen:
                    seen.add(key)
                    found.append(_association_entry(prop.secondary, operation, row))
    return found


def _association_row(prop: Any, parent: InstanceState[Any], child: InstanceState[Any]
                     ) -> dict[Column[Any], Any]:
    row = {}
    for pairs, state in ((prop.synchronize_pairs, parent),
                         (prop.secondary_synchronize_pairs, child)):
        for source, target in pairs:
            row[target] = state.dict.get(state.mapper.get_property_by_column(source).key)
    return row


def _association_entry(table: Table, operation: str, row: dict[Column[Any], Any]
                       ) -> tuple[Any, ...]:
    key_columns = list(table.primary_key.columns) or list(table.columns)
    pk = [(c, row.get(c)) for c in key_columns]
    changes = {
        c.name: {"old": jsonable(row[c]), "new": None} if operation == "delete"
        else {"old": None, "new": jsonable(row[c])}
        for c in table.columns if c in row
    }
    return (operation, table, pk, changes, False, None)


def _mapper_for(table: Any) -> Mapper[Any] | None:
    for mapper in inspect(AuditEntry).registry.mappers:
        if mapper.local_table is table:
            return mapper
    return None


def _referenced_ref(session: Session, column: Column[Any], value: Any) -> str | None:
    for fk in column.foreign_keys:
        mapper = _mapper_for(fk.column.table)
        ref_attr = getattr(mapper.class_, "__audit_ref__", None) if mapper else None
        if mapper is None or not ref_attr or len(mapper.primary_key) != 1:
            continue
        obj = session.identity_map.get(identity_key(mapper.class_, (value,)))
        if obj is not None:
            ref = inspect(obj).dict.get(ref_attr)
        else:
            ref_column = mapper.get_property(ref_attr).columns[0]  # type: ignore[attr-defined]
            query = select(ref_column).where(mapper.primary_key[0] == value)
            ref = _connection(session).execute(query).scalar()
        if ref is not None:
            return str(jsonable(ref))
    return None


def _entity_ref(session: Session, pk: list[tuple[Column[Any], Any]], has_ref: bool,
                ref: Any) -> str | None:
    if has_ref:
        return None if ref is None else str(jsonable(ref))
    if len(pk) == 1 and not pk[0][0].foreign_keys and isinstance(pk[0][1], int):
        return None  # a bare surrogate key says nothing more than entity_id
    return " / ".join(_referenced_ref(session, c, v) or str(jsonable(v)) for c, v in pk)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    info = session.info
    # association rows go where the flush wrote them: deleted before, inserted after the rest
    links = _collection_changes(session, flush_context)
    pending = [e for e in links if e[0] == "delete"] + (info.pop(_PENDING, None) or [])
    pending += [e for e in links if e[0] != "delete"]
    info.pop(_OLD, None)
    info.pop(_CHECKED, None)
    if not pending:
        return
    context = _context(session)
    actor: Actor = context.get("actor") or SYSTEM
    uow = info.get("uow")
    at = uow.now() if uow is not None else utcnow()
    reason = context.get("reason")
    entries = [
        NewEntry(
            action=action_for(table.name, operation),
            entity_type=table.name,
            entity_id=entity_id_for([v for _c, v in pk]),
            entity_ref=_entity_ref(session, pk, has_ref, ref),
            changes=changes,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            at=at,
            reason=None if reason is None else str(reason),
            request_id=context.get("request_id"),
            client_ip=context.get("client_ip"),
        )
        for operation, table, pk, changes, has_ref, ref in pending
    ]
    appending.queue(session, entries)


# --- bulk statements ---------------------------------------------------------------------------


def _audited_tables() -> dict[str, set[str]]:
    """Audited table names, each with the bookkeeping columns (``__audit_ignore__``) that a
    bulk UPDATE may set without escaping the audit trail."""
    names: dict[str, set[str]] = {}
    classes = list(Audited.__subclasses__())
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        mapper = inspect(cls, raiseerr=False)
        if mapper is None:
            continue
        names[mapper.local_table.name] = set(cls.__audit_ignore__)
        names.update({r.secondary.name: set() for r in mapper.relationships
                      if r.secondary is not None})
    return names


def _guard_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    audited = _audited_tables()
    if name in audited:
        if state.is_update:
            values = getattr(state.statement, "_values", None) or {}
            columns = {getattr(key, "key", key) for key in values}
            if columns and columns <= audited[name]:
                return  # bookkeeping only (e.g. whereabouts the journal records)
        raise AuditBypassError(
            f"bulk {'INSERT' if state.is_insert else 'UPDATE' if state.is_update else 'DELETE'}"
            f" on audited table {name} would escape the audit trail; change instances instead"
        )


def install() -> None:
    """Register the hooks (once; importing ``medtrace.platform.audit`` does it)."""
    for target, name, hook, kwargs in (
        (Session, "before_flush", _before_flush, {}),
        (Session, "after_flush", _after_flush, {}),
        (Session, "do_orm_execute", _guard_bulk, {}),
        (Session, "do_orm_execute", appending.read_barrier, {}),
        (Session, "before_commit", appending.before_commit, {}),
        (Session, "after_transaction_create", appending.after_transaction_create, {}),
        (Session, "after_soft_rollback", appending.after_soft_rollback, {}),
        (Session, "after_transaction_end", appending.after_transaction_end, {}),
        (Audited, "before_delete", _before_delete, {"propagate": True}),
        (Audited, "after_insert", _after_insert, {"propagate": True}),
        (Audited, "after_update", _after_update, {"propagate": True}),
        (Audited, "after_delete", _after_delete, {"propagate": True}),
    ):
        if not event.contains(target, name, hook):
            event.listen(target, name, hook, **kwargs)
