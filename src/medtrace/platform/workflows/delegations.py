"""Who else may do a task: an administrator's reassignment, and a person's time-boxed
delegation while away (both audited, the reason kept)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.auth.models import User
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.errors import (
    DelegationInvalid,
    NotYourTask,
    WorkflowNotFound,
    WorkflowStateConflict,
)
from medtrace.platform.workflows.models import WorkflowDelegation, WorkflowTask
from medtrace.platform.workflows.permissions import DELEGATE_TASKS, REASSIGN_TASKS
from medtrace.platform.workflows.rules import MAX_DELEGATION, TaskStatus
from medtrace.platform.workflows.schemas import DelegationIn, ReassignIn


def _user(uow: UnitOfWork, *, user_id: int | None = None, username: str | None = None
          ) -> User | None:
    if user_id is not None:
        return uow.session.get(User, user_id)
    return uow.session.scalar(select(User).where(User.username == (username or "").strip()))


def reassign_task(uow: UnitOfWork, *, task_id: int, data: ReassignIn, actor: Actor
                  ) -> WorkflowTask:
    """An administrator gives an open task to one person (audited with the reason). The
    person still has to pass the task's rules when completing it (permission, signatures,
    separation of duties): reassigning grants no right."""
    if not actor.can(REASSIGN_TASKS):
        raise Forbidden(permission=REASSIGN_TASKS)
    task = uow.session.get(WorkflowTask, task_id)
    if task is None:
        raise WorkflowNotFound(f"task {task_id}")
    if task.status != TaskStatus.OPEN:
        raise WorkflowStateConflict(f"task {task_id} is {task.status}")
    user = _user(uow, user_id=data.user_id, username=data.username)
    if user is None or not user.active:
        raise NotYourTask(f"user {data.user_id or data.username} cannot take tasks",
                          errors=[{"field": "username", "message": "no active user"}])
    uow.context["reason"] = data.reason
    task.assignee_id = user.id
    return task


def _local(uow: UnitOfWork, moment: dt.datetime) -> dt.datetime:
    """A time without a zone is the plant's wall-clock time; stored in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=uow.timezone)
    return moment.astimezone(dt.UTC)


def delegate(uow: UnitOfWork, *, data: DelegationIn, actor: Actor) -> WorkflowDelegation:
    """``to_user`` may do ``from_user``'s tasks inside the time box (at most 90 days, not
    ended already). A person delegates their own tasks; an administrator may set one up for
    someone who is away unexpectedly."""
    if actor.kind != "user" or actor.id is None:
        raise NotYourTask("only a person delegates tasks")
    if data.from_user is None or data.from_user.strip() == actor.name:
        if not actor.can(DELEGATE_TASKS):
            raise Forbidden(permission=DELEGATE_TASKS)
        source: User | None = uow.session.get(User, actor.id)
    else:
        if not actor.can(REASSIGN_TASKS):
            raise Forbidden(permission=REASSIGN_TASKS)
        source = _user(uow, username=data.from_user)
        if source is None:
            raise DelegationInvalid(f"no user {data.from_user}",
                                    errors=[{"field": "from_user", "message": "unknown"}])
    target = _user(uow, username=data.to_user)
    if source is None or target is None or not target.active or target.id == source.id:
        raise DelegationInvalid("delegate to another active user",
                                errors=[{"field": "to_user", "message": "another active user"}])
    starts, ends = _local(uow, data.starts_at), _local(uow, data.ends_at)
    if not starts < ends or ends - starts > MAX_DELEGATION:
        raise DelegationInvalid("the time box must end after it starts, within 90 days",
                                errors=[{"field": "ends_at", "message": "time box"}])
    if ends <= uow.now():
        raise DelegationInvalid("the time box has ended already",
                                errors=[{"field": "ends_at", "message": "in the past"}])
    uow.context["reason"] = data.reason
    row = WorkflowDelegation(from_user_id=source.id, to_user_id=target.id, starts_at=starts,
                             ends_at=ends, reason=data.reason[:500])
    uow.session.add(row)
    uow.session.flush()
    return row


def end_delegation(uow: UnitOfWork, *, delegation_id: int, actor: Actor) -> WorkflowDelegation:
    """Revoke a delegation now (the person who gave it, or an administrator)."""
    row = uow.session.get(WorkflowDelegation, delegation_id)
    if row is None:
        raise WorkflowNotFound(f"delegation {delegation_id}")
    if row.from_user_id != actor.id and not actor.can(REASSIGN_TASKS):
        raise Forbidden(permission=REASSIGN_TASKS)
    if row.revoked:
        raise WorkflowStateConflict(f"delegation {delegation_id} is revoked already")
    row.revoked = True
    return row


def delegations_of(uow: UnitOfWork, actor: Actor) -> list[tuple[WorkflowDelegation, str, str]]:
    """The delegations from or to this person that have not ended, with both usernames."""
    if actor.id is None:
        return []
    rows = list(uow.session.scalars(select(WorkflowDelegation).where(
        or_(WorkflowDelegation.from_user_id == actor.id,
            WorkflowDelegation.to_user_id == actor.id),
        WorkflowDelegation.revoked.is_(False), WorkflowDelegation.ends_at > uow.now())
        .order_by(WorkflowDelegation.starts_at).limit(100)))
    ids = {r.from_user_id for r in rows} | {r.to_user_id for r in rows}
    names = {row.id: row.username for row in uow.session.execute(
        select(User.id, User.username).where(User.id.in_(ids)))} if ids else {}
    return [(r, names.get(r.from_user_id, "?"), names.get(r.to_user_id, "?")) for r in rows]
