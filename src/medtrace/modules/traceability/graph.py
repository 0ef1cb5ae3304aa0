"""The genealogy of a thing as a drawable tree, for the trace pages: the edges around it
(backward: what it was made of; forward: what was made or packed from it), walked by recursive
SQL over ``traceability_edge`` with a depth limit, then laid out as an indented tree (one row
per node, children under their parent) that a template draws as SVG.

The drawing stays usable on any answer: a thing reached along several paths is drawn once and
referenced elsewhere; a node shows at most ``max_children`` children of its own (the rest are
summarised); the whole drawing holds at most ``max_nodes`` nodes; and when a forward answer
has more than ``unit_limit`` finished units, those are not drawn one by one but counted per
parent and state (lots, subassemblies and containers are still drawn)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from medtrace.modules import catalog
from medtrace.modules.traceability.models import TraceObject
from medtrace.platform.db.uow import UnitOfWork

MAX_DEPTH = 12
MAX_NODES = 400
MAX_CHILDREN = 40
UNIT_LIMIT = 60
MAX_ROWS = 250_000

# layout (SVG user units)
ROW = 46
INDENT = 30
BOX_W = 330
BOX_H = 36
PAD = 16

_COLUMNS = "o.id, o.kind, o.item_id, o.code, o.status, o.state"
_WALK = """
WITH RECURSIVE walk (id, via, edge_kind, depth, kind, item_id, code, status, state) AS (
    SELECT o.id, e.{near}, e.kind, 1, o.kind, o.item_id, o.code, o.status, o.state
    FROM traceability_edge e JOIN traceability_object o ON o.id = e.{far}
    WHERE e.{near} = :root AND e.reversed = :no
    UNION
    SELECT o.id, e.{near}, e.kind, walk.depth + 1, o.kind, o.item_id, o.code, o.status,
           o.state
    FROM walk JOIN traceability_edge e ON e.{near} = walk.id AND e.reversed = :no
    JOIN traceability_object o ON o.id = e.{far}
    WHERE walk.depth < :depth
)
SELECT id, via, MIN(edge_kind) AS edge_kind, MIN(depth) AS depth, kind, item_id, code, status,
       state
FROM walk GROUP BY id, via, kind, item_id, code, status, state
ORDER BY 4, 2, 1
LIMIT :rows
"""
# The columns travel through the recursion so that every step is an index probe on both
# databases (see queries.py); forward walks up from child to parent, backward down.
_SQL = {"forward": text(_WALK.format(near="child_id", far="parent_id")),
        "backward": text(_WALK.format(near="parent_id", far="child_id"))}
_KIND_ORDER = {"lot": 0, "unit": 1, "container": 2}


@dataclass
class Node:
    """One row of the drawing: a thing (``object_id``), a reference to a thing drawn in
    another row (``ref``), or a summary of things not drawn one by one (``kind`` "summary":
    ``count`` of them, ``counts`` by state; ``more``: children left out by the limits)."""

    key: str
    kind: str
    object_id: int | None = None
    item: str | None = None
    code: str = ""
    status: str | None = None
    state: str | None = None
    edge_kind: str | None = None
    finished: bool = False
    ref: bool = False
    more: bool = False
    count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    parent: str | None = None
    depth: int = 0
    children: list[Node] = field(default_factory=list)
    x: int = 0
    y: int = 0
    path: str = ""


@dataclass
class Graph:
    root: Node
    rows: list[Node]
    direction: str
    units_summarised: bool = False
    truncated: bool = False
    width: int = 0
    height: int = 0


def walk(uow: UnitOfWork, root_id: int, direction: str, *, max_depth: int = MAX_DEPTH,
         max_rows: int = MAX_ROWS) -> list[Any]:
    """The edges around ``root_id``: one row per (thing, the thing it was reached from) with
    the shallowest depth it was reached at and the thing's columns, nearest first."""
    return list(uow.session.connection().execute(_SQL[direction], {
        "root": root_id, "no": False, "depth": max_depth, "rows": max_rows}))


def genealogy(uow: UnitOfWork, thing: TraceObject, direction: str, *,
              max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES,
              max_children: int = MAX_CHILDREN, unit_limit: int = UNIT_LIMIT,
              max_rows: int = MAX_ROWS) -> Graph:
    """The drawable genealogy of ``thing`` (direction ``backward`` or ``forward``)."""
    rows = walk(uow, thing.id, direction, max_depth=max_depth, max_rows=max_rows)
    refs = catalog.item_refs(uow, {r.item_id for r in rows if r.item_id} | (
        {thing.item_id} if thing.item_id else set()))

    def item_of(item_id: int | None) -> tuple[str | None, bool]:
        ref = refs.get(item_id) if item_id is not None else None
        return (ref[0], ref[1] == "finished") if ref else (None, False)

    root_item, root_finished = item_of(thing.item_id)
    root = Node("n0", thing.kind, object_id=thing.id, item=root_item, code=thing.code,
                status=thing.status, state=thing.state, finished=root_finished)
    finished_ids = {r.id for r in rows if r.kind == "unit" and item_of(r.item_id)[1]}
    summarise = direction == "forward" and len(finished_ids) > unit_limit
    builder = _Builder(root, max_nodes, max_children)
    for r in rows:
        item, finished = item_of(r.item_id)
        builder.add(r, item, finished, summarise and r.id in finished_ids)
    graph = Graph(root, [], direction, units_summarised=summarise,
                  truncated=builder.truncated or len(rows) >= max_rows)
    builder.finish()
    _layout(graph)
    return graph


class _Builder:
    """Places each walked row under the drawn node it was reached from."""

    def __init__(self, root: Node, max_nodes: int, max_children: int) -> None:
        self.root = root
        self.max_nodes, self.max_children = max_nodes, max_children
        self.home: dict[int, Node] = {root.object_id or 0: root}  # object -> its drawn node
        self.anchor: dict[int, Node] = {}  # summarised unit -> the node that counts it
        self.counted: dict[str, set[int]] = defaultdict(set)  # node key -> units counted
        self.unit_states: dict[str, Counter[str]] = defaultdict(Counter)
        self.left_out: dict[str, Counter[str]] = defaultdict(Counter)
        self.drawn = 1
        self.truncated = False
        self.seq = 0

    def _key(self) -> str:
        self.seq += 1
        return f"n{self.seq}"

    def add(self, r: Any, item: str | None, finished: bool, summarised: bool) -> None:
        parent = self.home.get(r.via) or self.anchor.get(r.via)
        if parent is None or parent.ref:
            return  # reached only through something not drawn (left out by a limit)
        if summarised:
            if r.id not in self.counted[parent.key]:
                self.counted[parent.key].add(r.id)
                self.unit_states[parent.key][r.state or "in_stock"] += 1
            self.anchor.setdefault(r.id, parent)
            return
        if r.id in self.home:
            if self.home[r.id] is parent or any(c.object_id == r.id for c in parent.children):
                return
            kind = "ref"
        else:
            kind = r.kind
        if len(parent.children) >= self.max_children or self.drawn >= self.max_nodes:
            self.truncated = self.truncated or self.drawn >= self.max_nodes
            if kind != "ref":
                self.left_out[parent.key][r.kind] += 1
            return
        node = Node(self._key(), r.kind, object_id=r.id, item=item, code=r.code,
                    status=r.status, state=r.state, edge_kind=r.edge_kind, finished=finished,
                    ref=kind == "ref", parent=parent.key, depth=parent.depth + 1)
        parent.children.append(node)
        self.drawn += 1
        if kind != "ref":
            self.home[r.id] = node

    def finish(self) -> None:
        """Order each node's children and add the summary rows."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            node.children.sort(key=lambda c: (_KIND_ORDER.get(c.kind, 3), c.item or "", c.code))
            states = self.unit_states.get(node.key)
            if states:
                node.children.append(Node(self._key(), "summary", count=sum(states.values()),
                                          counts=dict(states), parent=node.key,
                                          depth=node.depth + 1))
            left = self.left_out.get(node.key)
            if left:
                node.children.append(Node(self._key(), "summary", more=True,
                                          count=sum(left.values()), counts=dict(left),
                                          parent=node.key, depth=node.depth + 1))
            stack.extend(c for c in node.children if c.kind != "summary")


def _layout(graph: Graph) -> None:
    """Rows in pre-order; x by depth, y by row; each row's connector from its parent."""
    rows: list[Node] = []
    stack = [graph.root]
    while stack:
        node = stack.pop()
        rows.append(node)
        stack.extend(reversed(node.children))
    by_key = {n.key: n for n in rows}
    deepest = 0
    for index, node in enumerate(rows):
        node.x, node.y = PAD + node.depth * INDENT, PAD + index * ROW
        deepest = max(deepest, node.depth)
        parent = by_key.get(node.parent or "")
        if parent is not None:
            node.path = (f"M{parent.x + INDENT // 2} {parent.y + BOX_H} "
                         f"V{node.y + BOX_H // 2} H{node.x}")
    graph.rows = rows
    graph.width = PAD * 2 + deepest * INDENT + BOX_W
    graph.height = PAD * 2 + max(len(rows) - 1, 0) * ROW + BOX_H
