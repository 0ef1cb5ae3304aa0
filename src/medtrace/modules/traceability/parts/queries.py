"""What a unit contains now, and which nodes of a trace are history only: reached through an
edge whose part was removed in service (and through no live path). Traces stay append-only
walks (a recall errs on the safe side); these reads tell the two apart afterwards, and cost one
probe of the small partial index of removed edges when nothing was ever replaced."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, text

from medtrace.modules.traceability.models import Edge, Event
from medtrace.platform.db.uow import UnitOfWork

_COMPOSITION_SQL = text("""
WITH RECURSIVE inside (id) AS (
    SELECT e.child_id FROM traceability_edge e
    WHERE e.parent_id = :host AND e.reversed = :no AND e.removed_at IS NULL
      AND e.kind <> 'packing'
    UNION
    SELECT e.child_id FROM inside JOIN traceability_edge e
        ON e.parent_id = inside.id AND e.reversed = :no AND e.removed_at IS NULL
       AND e.kind <> 'packing'
)
SELECT id FROM inside
""")
#: above this many nodes, read every removed edge at once instead of probing per chunk
_SCAN_ALL = 20_000
_CHUNK = 900


def composition(uow: UnitOfWork, host_id: int) -> set[int]:
    """Every lot and unit built into the host now, at any depth (removed parts excluded)."""
    return set(uow.session.scalars(_COMPOSITION_SQL, {"host": host_id, "no": False}))


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])


def removed_edges(uow: UnitOfWork, child_ids: Iterable[int]) -> list[tuple[int, int, Any, Any]]:
    """``(child, parent, removed_at, document)`` of the removed, unreversed edges from these
    children."""
    wanted = sorted(set(child_ids))
    if not wanted:
        return []
    query = (select(Edge.child_id, Edge.parent_id, Edge.removed_at, Event.doc)
             .outerjoin(Event, Event.id == Edge.removed_event_id)
             .where(Edge.removed_at.is_not(None), Edge.reversed.is_(False)))
    connection = uow.session.connection()
    if len(wanted) > _SCAN_ALL:
        keep = set(wanted)
        return [tuple(r) for r in connection.execute(query) if r[0] in keep]  # type: ignore[misc]
    found: list[tuple[int, int, Any, Any]] = []
    probe = query.where(Edge.child_id.in_(bindparam("ids", expanding=True)))
    for chunk in _chunks(wanted):
        found.extend(tuple(r) for r in connection.execute(probe, {"ids": chunk}))  # type: ignore[misc]
    return found


def _live_edges(uow: UnitOfWork, column: Any, ids: Sequence[int]) -> list[tuple[int, int]]:
    query = select(Edge.child_id, Edge.parent_id).where(
        column.in_(bindparam("ids", expanding=True)), Edge.reversed.is_(False),
        Edge.removed_at.is_(None))
    connection = uow.session.connection()
    found: list[tuple[int, int]] = []
    for chunk in _chunks(sorted(set(ids))):
        found.extend((c, p) for c, p in connection.execute(query, {"ids": chunk}))
    return found


def history_only(uow: UnitOfWork, root_id: int, node_ids: Iterable[int], *, upward: bool
                 ) -> dict[int, dict[str, Any]]:
    """The nodes of a trace of ``root_id`` that are reached only through removed edges, each
    with ``removed_at`` and ``doc`` of the removal that cut it off (``None`` when it is cut off
    only through another replaced part). ``upward``: a forward trace (the nodes are what the
    root went into); else a backward one (what the root contains or contained). Empty when no
    edge of the trace was ever removed."""
    nodes = set(node_ids)
    nodes.discard(root_id)
    if not nodes:
        return {}
    inside = nodes | {root_id}
    cut = [r for r in removed_edges(uow, inside if upward else nodes)
           if (r[1] in nodes if upward else r[1] in inside)]
    if not cut:
        return {}
    # walk the live edges from the root; what it no longer reaches is history
    neighbours: dict[int, list[int]] = defaultdict(list)
    if upward:
        for child, parent in _live_edges(uow, Edge.child_id, sorted(inside)):
            if parent in nodes:
                neighbours[child].append(parent)
    else:
        for child, parent in _live_edges(uow, Edge.parent_id, sorted(inside)):
            if child in nodes:
                neighbours[parent].append(child)
    reached = {root_id}
    queue = deque([root_id])
    while queue:
        for nxt in neighbours.get(queue.popleft(), ()):
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    removal: dict[int, tuple[dt.datetime, Any]] = {}
    for child, parent, at, doc in cut:
        key = parent if upward else child
        if key not in removal or at < removal[key][0]:
            removal[key] = (at, doc)
    return {node: {"removed_at": removal[node][0] if node in removal else None,
                   "doc": removal[node][1] if node in removal else None}
            for node in nodes - reached}
