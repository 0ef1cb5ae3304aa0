"""A diagram for a process that has none.

BPMN keeps what a process means (``bpmn:process``) apart from how it is drawn
(``bpmndi:BPMNDiagram``). A file written by hand, by another program or by MedTrace's shipped
definitions may have no drawing; a modeller then shows an empty canvas. ``with_diagram`` adds
one: elements in columns by their distance from the start event, branches in rows, boundary
events on their task's lower edge, flows as right-angled lines. A file that is already drawn is
returned unchanged.
"""

from __future__ import annotations

from lxml import etree

from medtrace.platform.workflows.bpmn import BPMN, parse_xml

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
COLUMN, ROW, LEFT, TOP = 160, 130, 60, 60
_NODES = {"startEvent", "endEvent", "userTask", "serviceTask", "task", "manualTask",
          "exclusiveGateway", "parallelGateway", "boundaryEvent", "scriptTask"}


def _kind(tag: str) -> str:
    if tag.endswith("Event"):
        return "event"
    return "gateway" if tag.endswith("Gateway") else "task"


def with_diagram(xml: str) -> str:
    root = parse_xml(xml)
    process = next(iter(root.iter(f"{{{BPMN}}}process")), None)
    if process is None or root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None:
        return xml
    nodes = {el.get("id"): etree.QName(el).localname for el in process
             if isinstance(el.tag, str) and etree.QName(el).localname in _NODES}
    flows = [(el.get("id"), el.get("sourceRef"), el.get("targetRef"))
             for el in process.iter(f"{{{BPMN}}}sequenceFlow")]
    attached = {el.get("id"): el.get("attachedToRef")
                for el in process.iter(f"{{{BPMN}}}boundaryEvent")}
    column = _columns(nodes, flows, attached)
    rows: dict[int, int] = {}
    place: dict[str, tuple[int, int, int, int]] = {}
    for node in sorted((n for n in nodes if n not in attached),
                       key=lambda n: (column.get(n, 0), list(nodes).index(n))):
        col = column.get(node, 0)
        row = rows.get(col, 0)
        rows[col] = row + 1
        width, height = SIZES[_kind(nodes[node])]
        x = LEFT + col * COLUMN + (100 - width) // 2
        y = TOP + row * ROW + (80 - height) // 2
        place[node] = (x, y, width, height)
    for event, task in attached.items():
        tx, ty, tw, th = place.get(task, (LEFT, TOP, 100, 80))
        place[event] = (tx + tw - 30, ty + th - 18, 36, 36)
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"{process.get('id')}_di",
                               nsmap={"bpmndi": BPMNDI, "dc": DC, "di": DI})
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"{process.get('id')}_plane",
                             bpmnElement=process.get("id"))
    for node, (x, y, width, height) in place.items():
        shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node}_di",
                                 bpmnElement=node)
        etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width=str(width),
                         height=str(height))
    for flow, source, target in flows:
        if source not in place or target not in place:
            continue
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow}_di",
                                bpmnElement=flow)
        for x, y in _route(place[source], place[target], source in attached):
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(x), y=str(y))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def _columns(nodes: dict[str, str], flows: list[tuple[str, str, str]],
             attached: dict[str, str]) -> dict[str, int]:
    """Each node's column: one more than the furthest predecessor reached first (back edges,
    which close loops, do not push a node further)."""
    outgoing: dict[str, list[str]] = {}
    for _flow, source, target in flows:
        outgoing.setdefault(source, []).append(target)
    starts = [n for n, kind in nodes.items() if kind == "startEvent"] or list(nodes)[:1]
    column = {s: 0 for s in starts}
    order = list(starts)
    seen = set(starts)
    while order:
        node = order.pop(0)
        base = column[node] if node not in attached else column.get(attached[node], 0)
        for target in outgoing.get(node, []):
            if target not in seen:
                seen.add(target)
                column[target] = base + 1
                order.append(target)
        for event, task in attached.items():
            if task == node and event not in seen:
                seen.add(event)
                column[event] = column[node]
                order.append(event)
    return column


def _route(source: tuple[int, int, int, int], target: tuple[int, int, int, int],
           from_boundary: bool) -> list[tuple[int, int]]:
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if from_boundary:
        start = (sx + sw // 2, sy + sh)
        end = (tx, ty + th // 2)
        return [start, (start[0], end[1]), end]
    start = (sx + sw, sy + sh // 2)
    end = (tx, ty + th // 2) if tx > sx else (tx + tw // 2, ty + th)
    if start[1] == end[1]:
        return [start, end]
    middle = (start[0] + end[0]) // 2 if tx > sx else start[0] + 20
    if tx > sx:
        return [start, (middle, start[1]), (middle, end[1]), end]
    return [start, (middle, start[1]), (middle, end[1] + 30), (end[0], end[1] + 30), end]
