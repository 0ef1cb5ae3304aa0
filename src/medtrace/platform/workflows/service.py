"""Workflow actions: import, submit and publish versions; start instances; complete, reassign
and delegate tasks; fire timers. Each is one transaction (the caller's unit of work): the
record's state, the engine's state, the tasks, the signatures, the audit entries and the
outbox events commit together or not at all."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.auth.models import User
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.workflows import bpmn, engine
from medtrace.platform.workflows.errors import (
    NotYourTask,
    RecordTypeUnknown,
    TaskInputInvalid,
    WorkflowInvalid,
    WorkflowNotFound,
    WorkflowSamePerson,
    WorkflowStateConflict,
)
from medtrace.platform.workflows.events import (
    WorkflowCompleted,
    WorkflowNotified,
    WorkflowSignal,
    WorkflowStarted,
    WorkflowTaskCompleted,
    WorkflowTaskEscalated,
)
from medtrace.platform.workflows.models import (
    WorkflowDefinition,
    WorkflowDelegation,
    WorkflowInstance,
    WorkflowTask,
    WorkflowVersion,
)
from medtrace.platform.workflows.permissions import ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS
from medtrace.platform.workflows.rules import (
    InstanceStatus,
    TaskStatus,
    VersionStatus,
    duration,
    may_do,
)

# --- what modules plug in ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFacts:
    """What a workflow reads of its record: a reference for people, the fields conditions
    compare (Decimal, str, bool, dates as ISO text, custom fields under ``cf``), the author."""

    ref: str
    fields: dict[str, Any]
    author_id: int | None = None


@dataclass(frozen=True)
class RecordType:
    code: str
    label: str  # msgid
    load: Callable[[UnitOfWork, str], RecordFacts | None]
    #: called in the completing transaction when an instance ends, with its outcome
    finished: Callable[[UnitOfWork, str, str | None], None] | None = None


Action = Callable[[UnitOfWork, WorkflowInstance, dict[str, str], dict[str, Any]], None]
_record_types: dict[str, RecordType] = {}
_actions: dict[str, Action] = {}


def register_record_type(record_type: RecordType) -> None:
    _record_types[record_type.code] = record_type


def register_action(name: str, action: Action) -> None:
    _actions[name] = action


def record_types() -> dict[str, RecordType]:
    return dict(_record_types)


def action_names() -> list[str]:
    """The actions a service task may call (``mt:action``)."""
    return sorted(_actions)


def _notify(uow: UnitOfWork, instance: WorkflowInstance, params: dict[str, str],
            _context: dict[str, Any]) -> None:
    uow.publish(WorkflowNotified(
        instance_id=instance.id, record_type=instance.record_type,
        record_id=instance.record_id, role=params.get("role"), message=params.get("message")))


def _emit(uow: UnitOfWork, instance: WorkflowInstance, params: dict[str, str],
          _context: dict[str, Any]) -> None:
    uow.publish(WorkflowSignal(
        instance_id=instance.id, record_type=instance.record_type,
        record_id=instance.record_id, signal=(params.get("signal") or "signal")[:100]))


def _set_outcome(_uow: UnitOfWork, instance: WorkflowInstance, params: dict[str, str],
                 _context: dict[str, Any]) -> None:
    instance.outcome = (params.get("value") or "")[:40] or None


register_action("notify", _notify)
register_action("emit", _emit)
register_action("set_outcome", _set_outcome)


# --- definitions and versions --------------------------------------------------------------


def read_diagram(xml: str | bytes) -> bpmn.Process:
    """The process of a BPMN file, or ``WorkflowInvalid`` naming every problem's element."""
    try:
        process = bpmn.read_process(bpmn.parse_xml(xml))
    except bpmn.BpmnInvalid as exc:
        raise WorkflowInvalid("; ".join(str(p) for p in exc.problems)[:2000], errors=[
            {"field": p.element, "message": str(p), "type": "bpmn"} for p in exc.problems]
        ) from None
    unknown = sorted({s["action"] for s in process.service_tasks.values()} - set(_actions))
    if unknown:
        raise WorkflowInvalid(f"unknown actions: {', '.join(unknown)}", errors=[
            {"field": k, "message": f"{k}: {v['action']} is not a registered action",
             "type": "bpmn"} for k, v in process.service_tasks.items()
            if v["action"] in unknown])
    return process


def diagram_problems(xml: str | bytes) -> list[bpmn.Problem]:
    """Every reason the diagram cannot be imported, each naming its element (empty when it can
    be): what ``read_diagram`` refuses, as ``Problem`` values whose message is a msgid."""
    try:
        process = bpmn.read_process(bpmn.parse_xml(xml))
    except bpmn.BpmnInvalid as exc:
        return list(exc.problems)
    return [bpmn.Problem(k, N_("%(action)s is not a registered action"), {"action": v["action"]})
            for k, v in process.service_tasks.items() if v["action"] not in _actions]


def import_version(uow: UnitOfWork, *, xml: str, record_type: str, actor: Actor,
                   name_zh: str | None = None, name_en: str | None = None,
                   change_note: str | None = None) -> WorkflowVersion:
    """A new draft version of the process the file holds (a new definition the first time)."""
    _ensure_may(actor, ADMIN_WORKFLOWS)
    if record_type not in _record_types:
        raise RecordTypeUnknown(record_type)
    text = xml.decode() if isinstance(xml, bytes) else xml
    process = read_diagram(text)
    definition = uow.session.scalar(select(WorkflowDefinition)
                                    .where(WorkflowDefinition.key == process.key))
    if definition is None:
        definition = WorkflowDefinition(key=process.key, name_zh=name_zh or process.name,
                                        name_en=name_en or process.name, record_type=record_type)
        uow.session.add(definition)
        uow.session.flush()
    elif definition.record_type != record_type:
        raise WorkflowStateConflict(f"{process.key} governs {definition.record_type}")
    number = (uow.session.scalar(select(func.max(WorkflowVersion.version))
                                 .where(WorkflowVersion.definition_id == definition.id)) or 0) + 1
    version = WorkflowVersion(definition_id=definition.id, version=number, xml=text,
                              meta=process.as_meta(), change_note=change_note,
                              checksum=hashlib.sha256(text.encode()).hexdigest(),
                              status=VersionStatus.DRAFT, created_by=actor.id)
    uow.session.add(version)
    uow.session.flush()
    return version


def _ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


def submit_version(uow: UnitOfWork, *, version_id: int, actor: Actor) -> WorkflowVersion:
    _ensure_may(actor, ADMIN_WORKFLOWS)
    version = _version(uow, version_id)
    if version.status != VersionStatus.DRAFT:
        raise WorkflowStateConflict("only a draft can be submitted")
    version.status, version.submitted_by = VersionStatus.SUBMITTED, actor.id
    version.submitted_at = uow.now()
    return version


def publish_version(uow: UnitOfWork, *, version_id: int, password: str, actor: Actor,
                    comment: str | None = None) -> WorkflowVersion:
    """Approve with an e-signature (not the submitter's) and publish; the version published
    before is retired (records running on it stay on it)."""
    _ensure_may(actor, PUBLISH_WORKFLOWS)
    version = _version(uow, version_id)
    if version.status != VersionStatus.SUBMITTED:
        raise WorkflowStateConflict("only a submitted version can be published")
    esign.sign(uow, record=version, meaning="approved", password=password, actor=actor,
               comment=comment)
    esign.require_signatures(uow, version)
    uow.context.setdefault("reason", f"published version {version.version}")
    for older in uow.session.scalars(select(WorkflowVersion).where(
            WorkflowVersion.definition_id == version.definition_id,
            WorkflowVersion.status == VersionStatus.PUBLISHED)):
        older.status = VersionStatus.RETIRED
    version.status, version.published_at = VersionStatus.PUBLISHED, uow.now()
    return version


def _version(uow: UnitOfWork, version_id: int) -> WorkflowVersion:
    version = uow.session.get(WorkflowVersion, version_id)
    if version is None:
        raise WorkflowNotFound(f"version {version_id}")
    return version


def published_version(uow: UnitOfWork, key: str) -> WorkflowVersion:
    row = uow.session.scalar(
        select(WorkflowVersion).join(WorkflowDefinition)
        .where(WorkflowDefinition.key == key, WorkflowVersion.status == VersionStatus.PUBLISHED))
    if row is None:
        raise WorkflowStateConflict(f"{key} has no published version")
    return row


# --- instances ------------------------------------------------------------------------------


def _definition(uow: UnitOfWork, version: WorkflowVersion) -> WorkflowDefinition:
    return uow.session.get(WorkflowDefinition, version.definition_id)  # type: ignore[return-value]


def _engine(uow: UnitOfWork, instance: WorkflowInstance, meta: dict[str, Any]
            ) -> engine.SafeEngine:
    facts = _facts(uow, instance.record_type, instance.record_id)
    decisions = {t.element_id: t.decision for t in _tasks(uow, instance.id)
                 if t.status == TaskStatus.COMPLETED}

    def run(action: str, params: dict[str, str], context: dict[str, Any]) -> None:
        _actions[action](uow, instance, params, context)

    return engine.SafeEngine({"record": facts.fields, "decisions": decisions},
                             meta.get("service_tasks", {}), run)


def _facts(uow: UnitOfWork, record_type: str, record_id: str) -> RecordFacts:
    kind = _record_types.get(record_type)
    if kind is None:
        raise RecordTypeUnknown(record_type)
    facts = kind.load(uow, record_id)
    if facts is None:
        raise WorkflowNotFound(f"{record_type} {record_id}")
    return facts


def start_instance(uow: UnitOfWork, *, key: str, record_id: str, actor: Actor
                   ) -> WorkflowInstance:
    """Start the published version of ``key`` on a record (which has no running workflow)."""
    version = published_version(uow, key)
    record_type = _definition(uow, version).record_type
    record_id = str(record_id)
    running = uow.session.scalar(select(WorkflowInstance.id).where(
        WorkflowInstance.record_type == record_type, WorkflowInstance.record_id == record_id,
        WorkflowInstance.status == InstanceStatus.RUNNING))
    if running is not None:
        raise WorkflowStateConflict(f"{record_type} {record_id} already runs instance {running}")
    facts = _facts(uow, record_type, record_id)
    instance = WorkflowInstance(version_id=version.id, record_type=record_type,
                                record_id=record_id, record_ref=facts.ref[:200],
                                author_id=facts.author_id, state="", started_by=actor.name,
                                started_at=uow.now())
    uow.session.add(instance)
    uow.session.flush()
    workflow = engine.start(version.xml, version.meta["key"], _engine(uow, instance, version.meta))
    _sync(uow, instance, version, workflow)
    uow.publish(WorkflowStarted(instance_id=instance.id, key=key,
                                definition_version=version.version, record_type=record_type,
                                record_id=record_id))
    return instance


def _tasks(uow: UnitOfWork, instance_id: int) -> list[WorkflowTask]:
    return list(uow.session.scalars(select(WorkflowTask).where(
        WorkflowTask.instance_id == instance_id).order_by(WorkflowTask.id)))


def _sync(uow: UnitOfWork, instance: WorkflowInstance, version: WorkflowVersion,
          workflow: Any) -> None:
    """Make the task rows and the instance say what the engine now waits for."""
    meta = version.meta
    ready = engine.ready_user_tasks(workflow)
    rows = {t.spiff_id: t for t in _tasks(uow, instance.id) if t.status == TaskStatus.OPEN}
    for spiff_id, row in rows.items():
        if spiff_id not in ready:
            row.status = TaskStatus.CANCELLED  # an interrupting timer or the end took it away
    for spiff_id, task in ready.items():
        if spiff_id in rows:
            continue
        step = meta["user_tasks"].get(task.task_spec.bpmn_id, {})
        due = uow.now() + duration(step["due"]) if step.get("due") else None
        uow.session.add(WorkflowTask(
            instance_id=instance.id, element_id=task.task_spec.bpmn_id, spiff_id=spiff_id,
            name=(step.get("name") or task.task_spec.bpmn_id)[:200],
            permission=step.get("permission"), roles=step.get("roles", []),
            users=step.get("users", []), due_at=due, data={}))
    fired = engine.fired_timers(workflow)
    for timer in meta.get("timers", {}).values():
        if timer["id"] in fired and timer.get("escalate_to"):
            for row in rows.values():
                if row.element_id == timer["attached_to"] and row.status == TaskStatus.OPEN \
                        and row.escalated_to is None:
                    row.escalated_to = timer["escalate_to"][:40]
                    uow.publish(WorkflowTaskEscalated(
                        task_id=row.id, instance_id=instance.id, role=row.escalated_to))
    instance.state = engine.dump(workflow)
    if workflow.is_completed() and instance.status == InstanceStatus.RUNNING:
        instance.status, instance.finished_at = InstanceStatus.COMPLETED, uow.now()
        if instance.outcome is None:
            done = [t for t in _tasks(uow, instance.id) if t.status == TaskStatus.COMPLETED]
            instance.outcome = done[-1].decision if done else None
        kind = _record_types.get(instance.record_type)
        if kind is not None and kind.finished is not None:
            kind.finished(uow, instance.record_id, instance.outcome)
        uow.publish(WorkflowCompleted(
            instance_id=instance.id, record_type=instance.record_type,
            record_id=instance.record_id, outcome=instance.outcome))
    uow.session.flush()


# --- tasks -----------------------------------------------------------------------------------


def acting_for(uow: UnitOfWork, actor: Actor) -> list[Actor]:
    """The actor, then everyone whose tasks the actor may do now by delegation."""
    if actor.kind != "user" or actor.id is None:
        return []
    now = uow.now()
    delegators = uow.session.scalars(select(User).join(
        WorkflowDelegation, WorkflowDelegation.from_user_id == User.id).where(
        WorkflowDelegation.to_user_id == actor.id, WorkflowDelegation.revoked.is_(False),
        WorkflowDelegation.starts_at <= now, WorkflowDelegation.ends_at > now,
        User.active.is_(True)))
    return [actor, *(auth_service.actor_for_user(u) for u in delegators)]


def eligible(uow: UnitOfWork, task: WorkflowTask, actor: Actor) -> Actor | None:
    """Who the actor acts as on this task (themself or a delegator), or None."""
    for person in acting_for(uow, actor):
        user = uow.session.get(User, person.id)
        if user is not None and may_do(task, person, {r.code for r in user.roles}):
            return person
    return None


def complete_task(uow: UnitOfWork, *, task_id: int, decision: str, actor: Actor,
                  data: dict[str, Any] | None = None, password: str | None = None,
                  comment: str | None = None) -> WorkflowTask:
    """Decide a task: checks assignment, the decision and fields, separation of duties and
    signatures, then moves the engine on — all in the caller's transaction."""
    task = uow.session.get(WorkflowTask, task_id)
    if task is None:
        raise WorkflowNotFound(f"task {task_id}")
    if task.status != TaskStatus.OPEN:
        raise WorkflowStateConflict(f"task {task_id} is {task.status}")
    instance = uow.session.get(WorkflowInstance, task.instance_id)
    assert instance is not None
    version = _version(uow, instance.version_id)
    step = version.meta["user_tasks"].get(task.element_id, {})
    if eligible(uow, task, actor) is None:
        raise NotYourTask(f"task {task_id}")
    data = {k: v for k, v in (data or {}).items() if k in step.get("fields", [])}
    if decision not in step.get("decisions", ["approve", "reject"]):
        raise TaskInputInvalid(errors=[{"field": "decision", "message": decision,
                                        "type": "choice"}])
    missing = [f for f in step.get("fields", []) if decision != "reject"
               and not str(data.get(f, "")).strip()]
    if missing:
        raise TaskInputInvalid(errors=[{"field": f, "message": "required", "type": "missing"}
                                       for f in missing])
    _check_duties(uow, instance, task, step, actor)
    signatures = step.get("signatures")
    task.decision, task.data = decision, data
    if signatures:
        esign.sign(uow, record=task, meaning=signatures["meaning"], password=password or "",
                   actor=actor, comment=comment)
        signed = {v.signature.signer_id for v in esign.signatures_for(uow, task) if v.valid
                  and v.signature.meaning == signatures["meaning"]}
        if len(signed) < int(signatures.get("count", 1)):
            uow.session.flush()
            return task  # more signatures to come: the task stays open
    task.status, task.completed_by, task.completed_at = TaskStatus.COMPLETED, actor.id, uow.now()
    uow.session.flush()
    workflow = engine.load(instance.state, _engine(uow, instance, version.meta))
    engine.complete(workflow, task.spiff_id, {"decision": decision, **data})
    _sync(uow, instance, version, workflow)
    uow.publish(WorkflowTaskCompleted(task_id=task.id, instance_id=instance.id,
                                      step=task.element_id, decision=decision, by=actor.name))
    return task


def _check_duties(uow: UnitOfWork, instance: WorkflowInstance, task: WorkflowTask,
                  step: dict[str, Any], actor: Actor) -> None:
    rules = step.get("signatures") or {}
    if rules.get("not_author") and instance.author_id is not None \
            and instance.author_id == actor.id:
        raise WorkflowSamePerson("the record's author may not do this step")
    if rules.get("not_previous"):
        done = [t for t in _tasks(uow, instance.id)
                if t.status == TaskStatus.COMPLETED and t.id != task.id]
        if done and done[-1].completed_by == actor.id:
            raise WorkflowSamePerson("the person who did the previous step may not do this one")


def run_timers(uow: UnitOfWork) -> int:
    """Fire the due timers of every running instance (the worker's job); returns how many
    instances changed."""
    changed = 0
    rows = list(uow.session.scalars(select(WorkflowInstance).where(
        WorkflowInstance.status == InstanceStatus.RUNNING).order_by(WorkflowInstance.id)))
    for instance in rows:
        version = _version(uow, instance.version_id)
        if not version.meta.get("timers"):
            continue
        workflow = engine.load(instance.state, _engine(uow, instance, version.meta))
        engine.advance(workflow)
        before = instance.state
        _sync(uow, instance, version, workflow)
        changed += instance.state != before
    return changed
