"""Reading workflows: definitions and versions, a person's inbox, a record's workflow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from medtrace.platform.actor import Actor
from medtrace.platform.auth.models import User
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count
from medtrace.platform.workflows.errors import WorkflowNotFound
from medtrace.platform.workflows.models import (
    WorkflowDefinition,
    WorkflowInstance,
    WorkflowTask,
    WorkflowVersion,
)
from medtrace.platform.workflows.rules import TaskStatus, may_do
from medtrace.platform.workflows.service import acting_for

INBOX_LIMIT = 500


def list_definitions(uow: UnitOfWork) -> list[tuple[WorkflowDefinition, list[WorkflowVersion]]]:
    definitions = list(uow.session.scalars(select(WorkflowDefinition)
                                           .order_by(WorkflowDefinition.key)))
    versions: dict[int, list[WorkflowVersion]] = {}
    for version in uow.session.scalars(select(WorkflowVersion).order_by(
            WorkflowVersion.definition_id, WorkflowVersion.version)):
        versions.setdefault(version.definition_id, []).append(version)
    return [(d, versions.get(d.id, [])) for d in definitions]


def definition_or_raise(uow: UnitOfWork, key: str) -> WorkflowDefinition:
    row = uow.session.scalar(select(WorkflowDefinition).where(WorkflowDefinition.key == key))
    if row is None:
        raise WorkflowNotFound(key)
    return row


def versions_of(uow: UnitOfWork, key: str) -> list[WorkflowVersion]:
    definition = definition_or_raise(uow, key)
    return list(uow.session.scalars(select(WorkflowVersion).where(
        WorkflowVersion.definition_id == definition.id).order_by(WorkflowVersion.version)))


def version_or_raise(uow: UnitOfWork, key: str, number: int | None = None) -> WorkflowVersion:
    """Version ``number`` of ``key``; without a number the latest one."""
    versions = versions_of(uow, key)
    found = [v for v in versions if number is None or v.version == number]
    if not found:
        raise WorkflowNotFound(f"{key} version {number}")
    return found[-1]


@dataclass
class InboxTask:
    task: WorkflowTask
    instance: WorkflowInstance
    workflow: str  # the definition's name in the user's language
    key: str
    overdue: bool
    on_behalf_of: str | None  # a delegator's username, when the task is theirs
    signature: dict[str, Any] | None
    decisions: list[str]
    fields: list[str]


def _context(uow: UnitOfWork, rows: list[tuple[WorkflowTask, WorkflowInstance]],
             locale: str) -> dict[int, tuple[WorkflowDefinition, WorkflowVersion]]:
    version_ids = {i.version_id for _t, i in rows}
    versions = {v.id: v for v in uow.session.scalars(select(WorkflowVersion).where(
        WorkflowVersion.id.in_(version_ids)))} if version_ids else {}
    defs = {d.id: d for d in uow.session.scalars(select(WorkflowDefinition).where(
        WorkflowDefinition.id.in_({v.definition_id for v in versions.values()})))} \
        if versions else {}
    return {vid: (defs[v.definition_id], v) for vid, v in versions.items()}


def describe(uow: UnitOfWork, rows: list[tuple[WorkflowTask, WorkflowInstance]], locale: str,
             behalf: dict[int, str] | None = None) -> list[InboxTask]:
    known = _context(uow, rows, locale)
    now = uow.now()
    out = []
    for task, instance in rows:
        definition, version = known[instance.version_id]
        step = version.meta["user_tasks"].get(task.element_id, {})
        out.append(InboxTask(
            task=task, instance=instance,
            workflow=definition.name_zh if locale.startswith("zh") else definition.name_en,
            key=definition.key,
            overdue=task.status == TaskStatus.OPEN and task.due_at is not None
            and task.due_at < now,
            on_behalf_of=(behalf or {}).get(task.id), signature=step.get("signatures"),
            decisions=step.get("decisions", ["approve", "reject"]),
            fields=step.get("fields", [])))
    return out


def inbox(uow: UnitOfWork, actor: Actor, locale: str) -> list[InboxTask]:
    """The open tasks this person may complete now (their own, their roles', escalated to
    their roles, reassigned to them, and their delegators'), oldest due first."""
    persons = acting_for(uow, actor)
    if not persons:
        return []
    users = {u.id: u for u in uow.session.scalars(select(User).where(
        User.id.in_([p.id for p in persons])))}
    rows = list(uow.session.execute(
        select(WorkflowTask, WorkflowInstance).join(
            WorkflowInstance, WorkflowInstance.id == WorkflowTask.instance_id)
        .where(WorkflowTask.status == TaskStatus.OPEN)
        .order_by(WorkflowTask.due_at.is_(None), WorkflowTask.due_at, WorkflowTask.id)
        .limit(INBOX_LIMIT)))
    mine, behalf = [], {}
    for task, instance in rows:
        for person in persons:
            user = users.get(person.id)
            if user is None or not may_do(task, person, {r.code for r in user.roles}):
                continue
            mine.append((task, instance))
            if person.id != actor.id:
                behalf[task.id] = person.name
            break
    return describe(uow, mine, locale, behalf)


def task_or_raise(uow: UnitOfWork, task_id: int) -> tuple[WorkflowTask, WorkflowInstance]:
    task = uow.session.get(WorkflowTask, task_id)
    if task is None:
        raise WorkflowNotFound(f"task {task_id}")
    instance = uow.session.get(WorkflowInstance, task.instance_id)
    assert instance is not None
    return task, instance


@dataclass
class RecordWorkflow:
    """What a record's page shows of its workflows: state, open tasks, this user's actions,
    and every decided step with its signatures."""

    instances: list[WorkflowInstance] = field(default_factory=list)
    open: list[InboxTask] = field(default_factory=list)
    actionable: set[int] = field(default_factory=set)
    done: list[InboxTask] = field(default_factory=list)


def record_workflow(uow: UnitOfWork, record_type: str, record_id: str, actor: Actor,
                    locale: str) -> RecordWorkflow:
    instances = list(uow.session.scalars(select(WorkflowInstance).where(
        WorkflowInstance.record_type == record_type,
        WorkflowInstance.record_id == str(record_id)).order_by(WorkflowInstance.id)))
    if not instances:
        return RecordWorkflow()
    rows = list(uow.session.execute(
        select(WorkflowTask, WorkflowInstance).join(
            WorkflowInstance, WorkflowInstance.id == WorkflowTask.instance_id)
        .where(WorkflowTask.instance_id.in_([i.id for i in instances]))
        .order_by(WorkflowTask.id)))
    described = describe(uow, rows, locale)
    mine = {t.task.id for t in inbox(uow, actor, locale)}
    return RecordWorkflow(
        instances=instances,
        open=[t for t in described if t.task.status == TaskStatus.OPEN],
        actionable={t.task.id for t in described if t.task.id in mine},
        done=[t for t in described if t.task.status == TaskStatus.COMPLETED])


def due_soon(uow: UnitOfWork, within: dt.timedelta) -> int:
    """Open tasks due within ``within`` or overdue (for dashboards)."""
    limit = uow.now() + within
    return len(list(uow.session.scalars(select(WorkflowTask.id).where(
        WorkflowTask.status == TaskStatus.OPEN, WorkflowTask.due_at.is_not(None),
        WorkflowTask.due_at <= limit))))


def my_tasks_tile(uow: UnitOfWork, actor: Actor) -> list[Figure]:
    """The home page's "My tasks" panel: the open tasks waiting for this person, the overdue
    ones among them, and the ones they do on someone's behalf."""
    items = inbox(uow, actor, "en")
    overdue = sum(1 for item in items if item.overdue)
    behalf = sum(1 for item in items if item.on_behalf_of)
    figures = [count(N_("Tasks waiting for me"), len(items), "/tasks"),
               count(N_("Overdue tasks"), overdue, "/tasks")]
    if behalf:
        figures.append(count(N_("Tasks I do on someone's behalf"), behalf, "/tasks"))
    return figures
