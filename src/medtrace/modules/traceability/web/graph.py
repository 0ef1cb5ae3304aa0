"""The genealogy of a thing as a drawable tree, for the trace pages: the edges around it
(backward: what it was made of; forward: what was made or packed from it), then laid out as an
indented tree (one row per node, children under their parent) that a template draws as SVG.

The drawing stays usable on any answer: a thing reached along several paths is drawn once and
referenced elsewhere; a node shows at most ``max_children`` children of its own (the rest are
summarised); the whole drawing holds at most ``max_nodes`` nodes; and for a big forward answer
(``summarise_units``: the page says so when the answer has more than ``UNIT_LIMIT`` finished
units) finished units are not drawn one by one but counted per parent and state (lots,
subassemblies and containers are still drawn).

The walk is breadth first, one query per level over ``traceability_edge`` (index probes on
``(child_id, reversed, parent_id)`` or ``(parent_id, reversed, child_id)``), depth-limited and
pruned: only what is drawn (or counted) is walked further. A recursive query could not stop at
what will not be drawn: a lot with 30,000 subassemblies would walk every one of them and all
they were built into, where the drawing shows forty."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text

from medtrace.modules import catalog
from medtrace.modules.traceability.models import TraceObject
from medtrace.platform.db.uow import UnitOfWork

MAX_DEPTH = 12
MAX_NODES = 400
MAX_CHILDREN = 40
UNIT_LIMIT = 60  # the page summarises finished units past this many
MAX_ROWS = 250_000

# layout (SVG user units)
ROW = 46
INDENT = 30
BOX_W = 330
BOX_H = 36
PAD = 16

_STEP = """
SELECT o.id, e.{near} AS via, e.kind AS edge_kind, o.kind, o.item_id, o.code, o.status, o.state
FROM traceability_edge e JOIN traceability_object o ON o.id = e.{far}
WHERE e.{near} IN :ids AND e.reversed = :no
ORDER BY e.{near}, o.id
"""
# forward walks up from child to parent, backward down from parent to child
_SQL = {direction: text(_STEP.format(near=near, far=far)).bindparams(
            bindparam("ids", expanding=True))
        for direction, near, far in (("forward", "child_id", "parent_id"),
                                     ("backward", "parent_id", "child_id"))}
BATCH = 900
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


def step(uow: UnitOfWork, ids: list[int], direction: str) -> list[Any]:
    """The things one edge away from ``ids`` (each with the id it was reached from and the
    edge's kind), in the order of ``ids``."""
    connection = uow.session.connection()
    rows: list[Any] = []
    for start in range(0, len(ids), BATCH):
        rows += connection.execute(_SQL[direction], {"ids": ids[start:start + BATCH],
                                                     "no": False}).all()
    return rows


def genealogy(uow: UnitOfWork, thing: TraceObject, direction: str, *,
              summarise_units: bool = False, max_depth: int = MAX_DEPTH,
              max_nodes: int = MAX_NODES, max_children: int = MAX_CHILDREN,
              max_rows: int = MAX_ROWS) -> Graph:
    """The drawable genealogy of ``thing`` (direction ``backward`` or ``forward``)."""
    summarise = summarise_units and direction == "forward"
    refs: dict[int, tuple[str, str]] = {}

    def item_of(item_id: int | None) -> tuple[str | None, bool]:
        ref = refs.get(item_id) if item_id is not None else None
        return (ref[0], ref[1] == "finished") if ref else (None, False)

    refs |= catalog.item_refs(uow, [thing.item_id] if thing.item_id else [])
    root_item, root_finished = item_of(thing.item_id)
    root = Node("n0", thing.kind, object_id=thing.id, item=root_item, code=thing.code,
                status=thing.status, state=thing.state, finished=root_finished)
    builder = _Builder(root, max_nodes, max_children)
    frontier, depth, fetched = [thing.id], 0, 0
    while frontier and depth < max_depth and fetched < max_rows:
        depth += 1
        rows = step(uow, frontier, direction)
        fetched += len(rows)
        refs |= catalog.item_refs(uow, {r.item_id for r in rows if r.item_id} - refs.keys())
        frontier = []
        for r in rows:
            item, finished = item_of(r.item_id)
            if builder.add(r, item, finished, summarise and finished and r.kind == "unit"):
                frontier.append(r.id)
    graph = Graph(root, [], direction, units_summarised=summarise,
                  truncated=builder.truncated or fetched >= max_rows)
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

    def add(self, r: Any, item: str | None, finished: bool, summarised: bool) -> bool:
        """Place one walked row; True when what it reached is to be walked further (it is
        drawn, or counted for the first time)."""
        parent = self.home.get(r.via) or self.anchor.get(r.via)
        if parent is None:
            return False  # reached only through something not drawn (left out by a limit)
        if summarised:
            if r.id not in self.counted[parent.key]:
                self.counted[parent.key].add(r.id)
                self.unit_states[parent.key][r.state or "in_stock"] += 1
            if r.id in self.anchor:
                return False
            self.anchor[r.id] = parent
            return True
        if r.id in self.home:
            if self.home[r.id] is parent or any(c.object_id == r.id for c in parent.children):
                return False
            kind = "ref"
        else:
            kind = r.kind
        if len(parent.children) >= self.max_children or self.drawn >= self.max_nodes:
            self.truncated = self.truncated or self.drawn >= self.max_nodes
            if kind != "ref":
                self.left_out[parent.key][r.kind] += 1
            return False
        node = Node(self._key(), r.kind, object_id=r.id, item=item, code=r.code,
                    status=r.status, state=r.state, edge_kind=r.edge_kind, finished=finished,
                    ref=kind == "ref", parent=parent.key, depth=parent.depth + 1)
        parent.children.append(node)
        self.drawn += 1
        if kind == "ref":
            return False
        self.home[r.id] = node
        return True

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
