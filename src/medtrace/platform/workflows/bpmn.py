"""Reading a BPMN 2.0 file safely, and checking that MedTrace can run it.

The XML is parsed with entities, DTDs and network access switched off. Only the subset the
engine runs is accepted (start and end events, user and service tasks, exclusive and parallel
gateways, timer boundary events, lanes); anything else is refused by name. Nothing in the file is
ever run as Python: conditions are CEL expressions over ``record`` (the governed record's
fields) and ``decisions`` (earlier tasks' decisions), checked here; script tasks are refused.

Assignment is read from MedTrace's own attributes (namespace ``urn:medtrace:bpmn``, prefix
``mt``), from Camunda Modeler's (``camunda:candidateGroups``, ``candidateUsers``, ``assignee``,
``dueDate``) and from lanes (a lane's name or id names a role), so diagrams drawn in bpmn.io or
Camunda Modeler import with their assignment.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import cel
from lxml import etree

from medtrace.platform.i18n import N_

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MT = "urn:medtrace:bpmn"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_BYTES = 2_000_000
#: the variables a condition may read
VARIABLES = {"record", "decisions"}
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")
ROLE = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")

#: elements that carry no behaviour (diagram, documentation, structure)
_PASSIVE = {"documentation", "extensionElements", "incoming", "outgoing", "laneSet", "lane",
            "flowNodeRef", "textAnnotation", "association", "text", "conditionExpression",
            "timerEventDefinition", "timeDuration", "timeDate", "childLaneSet",
            "sequenceFlow", "dataObjectReference", "dataStoreReference", "group"}
_NODES = {"startEvent", "endEvent", "userTask", "serviceTask", "exclusiveGateway",
          "parallelGateway", "boundaryEvent", "task", "manualTask"}


class BpmnInvalid(ValueError):
    """The file cannot be run; ``problems`` lists each reason with the element it concerns."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    element: str
    message: str  # English msgid
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        text = self.message % self.params if self.params else self.message
        return f"{self.element}: {text}" if self.element else text


@dataclass
class Signatures:
    meaning: str
    count: int = 1
    not_author: bool = False
    not_previous: bool = False


@dataclass
class UserTask:
    id: str
    name: str
    permission: str | None
    roles: list[str]
    users: list[str]
    due: str | None
    signatures: Signatures | None
    fields: list[str]
    decisions: list[str]


@dataclass
class Timer:
    id: str
    attached_to: str
    duration: str
    interrupting: bool
    escalate_to: str | None


@dataclass
class Flow:
    id: str
    source: str
    target: str
    condition: str | None


@dataclass
class Process:
    """What MedTrace needs of a process besides what the engine runs."""

    key: str
    name: str
    nodes: dict[str, str]  # id -> element kind
    names: dict[str, str]
    flows: list[Flow]
    defaults: dict[str, str]  # gateway id -> default flow id
    user_tasks: dict[str, UserTask]
    service_tasks: dict[str, dict[str, str]]  # id -> {"action": ..., params}
    timers: dict[str, Timer]

    def as_meta(self) -> dict[str, Any]:
        """The JSON kept with a version (what the service reads at run time)."""
        return {
            "key": self.key, "name": self.name,
            "user_tasks": {k: vars(t) | {"signatures": vars(t.signatures) if t.signatures
                                         else None} for k, t in self.user_tasks.items()},
            "service_tasks": self.service_tasks,
            "timers": {k: vars(t) for k, t in self.timers.items()},
        }


def parse_xml(data: bytes | str) -> etree._Element:
    """The document's root, parsed without entities, DTDs or network (XXE-safe)."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise BpmnInvalid([Problem("", N_("the file is larger than %(n)s bytes"),
                                   {"n": MAX_BYTES})])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, dtd_validation=False)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise BpmnInvalid([Problem("", N_("not well-formed XML: %(why)s"),
                                   {"why": str(exc)[:200]})]) from None
    if root.getroottree().docinfo.internalDTD is not None or b"<!ENTITY" in raw[:4096]:
        raise BpmnInvalid([Problem("", N_("a document type declaration is not allowed"))])
    if etree.QName(root).namespace != BPMN or etree.QName(root).localname != "definitions":
        raise BpmnInvalid([Problem("", N_("not a BPMN 2.0 document (bpmn:definitions)"))])
    return root


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _attr(el: etree._Element, ns: str, name: str) -> str | None:
    value = el.get(f"{{{ns}}}{name}")
    return value.strip() if value is not None and value.strip() else None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def check_condition(expression: str) -> str | None:
    """Why ``expression`` is not an acceptable condition (None when it is)."""
    if len(expression) > 2000:
        return "the condition is longer than 2000 characters"
    try:
        program = cel.compile(expression)
    except (ValueError, RuntimeError) as exc:
        return f"not a CEL expression: {str(exc).splitlines()[0][:160]}"
    unknown = sorted(set(program.variables()) - VARIABLES)
    if unknown:
        return f"reads {', '.join(unknown)}; a condition may read only record and decisions"
    named = {f for f in program.functions() if f[:1].isalpha()}  # operators look like _&&_
    functions = named - {"size", "has", "contains", "startsWith", "endsWith",
                                            "matches", "int", "double", "string", "exists",
                                            "all", "exists_one", "map", "filter", "in",
                                            "timestamp", "duration", "getDate", "getMonth",
                                            "getFullYear", "getDayOfWeek"}
    if functions:
        return f"calls {', '.join(sorted(functions))}, which conditions may not use"
    return None


def read_process(root: etree._Element) -> Process:
    """The one executable process of the document, or ``BpmnInvalid`` with every problem."""
    problems: list[Problem] = []
    processes = [p for p in root.iter(f"{{{BPMN}}}process")]
    executable = [p for p in processes if p.get("isExecutable", "true") != "false"] or processes
    if len(executable) != 1:
        raise BpmnInvalid([Problem("", N_("the document must hold exactly one executable process "
                                   "(found %(n)s)"), {"n": len(executable)})])
    proc = executable[0]
    key = proc.get("id", "")
    if not NAME.match(key):
        problems.append(Problem(key, N_("the process id is not a valid key")))
    for el in proc.iter():
        kind = _local(el)
        if not kind or etree.QName(el).namespace != BPMN:
            continue
        if kind in ("scriptTask", "script"):
            problems.append(Problem(el.get("id", kind), N_("script tasks are not allowed: nothing "
                                    "in a diagram runs as code")))
        elif kind not in _NODES | _PASSIVE | {"process"}:
            problems.append(Problem(el.get("id", kind), N_("%(kind)s is not supported"),
                                    {"kind": kind}))
    lane_roles = _lane_roles(proc)
    nodes, names, flows, defaults = {}, {}, [], {}
    user_tasks, service_tasks, timers = {}, {}, {}
    for el in proc:
        kind = _local(el)
        ident = el.get("id", "")
        if kind in _NODES:
            nodes[ident] = "userTask" if kind in ("task", "manualTask") else kind
            names[ident] = el.get("name") or ident
            if el.get("default"):
                defaults[ident] = el.get("default")
        if kind in ("userTask", "task", "manualTask"):
            user_tasks[ident] = _user_task(el, lane_roles.get(ident, []), problems)
        elif kind == "serviceTask":
            service_tasks[ident] = _service_task(el, problems)
        elif kind == "boundaryEvent":
            timers[ident] = _timer(el, problems)
        elif kind == "sequenceFlow":
            condition = el.find(f"{{{BPMN}}}conditionExpression")
            text = (condition.text or "").strip() if condition is not None else None
            if condition is not None and (condition.get("language") or "").lower() not in (
                    "", "cel", "urn:cel", "text/cel"):
                problems.append(Problem(ident, N_("condition language %(lang)s is not allowed: "
                                        "conditions are CEL"), {"lang": condition.get("language")}))
            elif text:
                why = check_condition(text)
                if why:
                    problems.append(Problem(ident, N_("the condition is refused: %(why)s"),
                                            {"why": why}))
            flows.append(Flow(ident, el.get("sourceRef", ""), el.get("targetRef", ""),
                              text or None))
        elif kind == "startEvent" and any(_local(c).endswith("EventDefinition") for c in el):
            problems.append(Problem(ident, N_("only a plain start event is supported")))
    process = Process(key, proc.get("name") or key, nodes, names, flows, defaults, user_tasks,
                      service_tasks, timers)
    problems += validate(process)
    if problems:
        raise BpmnInvalid(problems)
    return process


def _lane_roles(proc: etree._Element) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for lane in proc.iter(f"{{{BPMN}}}lane"):
        role = _attr(lane, MT, "role") or (lane.get("name") or "").strip().lower() or lane.get("id")
        for ref in lane.iter(f"{{{BPMN}}}flowNodeRef"):
            if ref.text and role:
                roles.setdefault(ref.text.strip(), []).append(role)
    return roles


def _user_task(el: etree._Element, lane_roles: list[str], problems: list[Problem]) -> UserTask:
    ident = el.get("id", "")
    roles = _split(_attr(el, MT, "roles")) or _split(_attr(el, CAMUNDA, "candidateGroups")) \
        or lane_roles
    users = _split(_attr(el, MT, "users")) or _split(_attr(el, CAMUNDA, "candidateUsers")) \
        or _split(_attr(el, CAMUNDA, "assignee"))
    permission = _attr(el, MT, "permission")
    if permission is None and not roles and not users:
        problems.append(Problem(ident, N_("a user task needs a permission (mt:permission) or the "
                                "roles that do it (candidate groups or a lane)")))
    for role in roles:
        if not ROLE.match(role):
            problems.append(Problem(ident, N_("%(role)s is not a role code"), {"role": role}))
    due = _attr(el, MT, "due") or _attr(el, CAMUNDA, "dueDate")
    if due and not DURATION.match(due):
        problems.append(Problem(ident, N_("the due time %(due)s is not an ISO 8601 duration "
                                "(P2D, PT4H)"), {"due": due}))
    meaning = _attr(el, MT, "signature")
    signatures = None
    if meaning:
        count = _attr(el, MT, "signatures") or "1"
        if not count.isdigit() or not 1 <= int(count) <= 9:
            problems.append(Problem(ident, N_("mt:signatures must be 1 to 9")))
            count = "1"
        signatures = Signatures(meaning, int(count), _attr(el, MT, "notAuthor") == "true",
                                _attr(el, MT, "notPrevious") == "true")
    decisions = _split(_attr(el, MT, "decisions")) or ["approve", "reject"]
    return UserTask(ident, el.get("name") or ident, permission, roles, users, due, signatures,
                    _split(_attr(el, MT, "fields")), decisions)


def _service_task(el: etree._Element, problems: list[Problem]) -> dict[str, str]:
    action = _attr(el, MT, "action")
    if not action:
        problems.append(Problem(el.get("id", ""), N_("a service task needs mt:action naming a "
                                "registered action")))
    params = {etree.QName(k).localname: v for k, v in el.attrib.items()
              if etree.QName(k).namespace == MT and etree.QName(k).localname != "action"}
    return {"action": action or "", **params}


def _timer(el: etree._Element, problems: list[Problem]) -> Timer:
    ident = el.get("id", "")
    definition = el.find(f"{{{BPMN}}}timerEventDefinition")
    if definition is None:
        problems.append(Problem(ident, N_("only timer boundary events are supported")))
        return Timer(ident, el.get("attachedToRef", ""), "", True, None)
    duration_el = definition.find(f"{{{BPMN}}}timeDuration")
    duration = (duration_el.text or "").strip().strip("\"'") if duration_el is not None else ""
    if not DURATION.match(duration):
        problems.append(Problem(ident, N_("a timer needs an ISO 8601 duration (P2D, PT4H)")))
    return Timer(ident, el.get("attachedToRef", ""), duration,
                 el.get("cancelActivity", "true") != "false", _attr(el, MT, "escalateTo"))


def validate(process: Process) -> list[Problem]:
    """Reachability, dead ends, gateways that may find no way out."""
    problems: list[Problem] = []
    starts = [n for n, kind in process.nodes.items() if kind == "startEvent"]
    if len(starts) != 1:
        problems.append(Problem(process.key, N_("a process needs exactly one start event")))
    if not any(kind == "endEvent" for kind in process.nodes.values()):
        problems.append(Problem(process.key, N_("a process needs an end event")))
    outgoing: dict[str, list[Flow]] = {}
    for flow in process.flows:
        for end in (flow.source, flow.target):
            if end not in process.nodes:
                problems.append(Problem(flow.id, N_("the flow connects to %(end)s, which is not an "
                                        "element of the process"), {"end": end}))
        outgoing.setdefault(flow.source, []).append(flow)
    for timer in process.timers.values():
        if timer.attached_to not in process.user_tasks:
            problems.append(Problem(timer.id, N_("a timer must be attached to a user task")))
    reached, todo = set(), list(starts)
    while todo:
        node = todo.pop()
        if node in reached:
            continue
        reached.add(node)
        todo += [f.target for f in outgoing.get(node, [])]
        todo += [t.id for t in process.timers.values() if t.attached_to == node]
    for node, kind in process.nodes.items():
        if node not in reached:
            problems.append(Problem(node, N_("cannot be reached from the start event")))
        if kind != "endEvent" and not outgoing.get(node):
            problems.append(Problem(node, N_("leads nowhere: only end events may end a path")))
        if kind == "exclusiveGateway" and len(outgoing.get(node, [])) > 1:
            problems += _check_gateway(node, outgoing[node], process.defaults.get(node))
    return problems


_COMPARISON = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*$")


def _check_gateway(node: str, flows: list[Flow], default: str | None) -> list[Problem]:
    if default is not None:
        return [] if any(f.id == default for f in flows) else [
            Problem(node, N_("the default flow is not one of the gateway's flows"))]
    if any(f.condition is None for f in flows):
        return [Problem(node, N_("a flow out of an exclusive gateway without a condition must be "
                        "its default flow"))]
    if _covers([f.condition or "" for f in flows]):
        return []
    return [Problem(node, N_("the conditions may not cover every case: add a default flow"))]


def _covers(conditions: list[str]) -> bool:
    """Whether comparisons of one operand with numbers cover every number (x > 5 and x <= 5)."""
    parsed = [_COMPARISON.match(c) for c in conditions]
    if not all(parsed) or len({m.group(1) for m in parsed if m}) != 1:
        return False
    points = sorted({float(m.group(3)) for m in parsed if m})
    probes = [points[0] - 1, *points, points[-1] + 1]
    probes += [(a + b) / 2 for a, b in itertools.pairwise(points)]
    ops = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__,
           "==": float.__eq__}
    return all(any(ops[m.group(2)](x, float(m.group(3))) for m in parsed if m) for x in probes)
