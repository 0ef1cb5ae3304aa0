"""Statuses of versions, instances and tasks; durations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_

MAX_DELEGATION = dt.timedelta(days=90)


class VersionStatus(LabelledEnum):
    DRAFT = "draft", N_("draft")
    SUBMITTED = "submitted", N_("submitted for approval")
    PUBLISHED = "published", N_("published")
    RETIRED = "retired", N_("retired")


class InstanceStatus(LabelledEnum):
    RUNNING = "running", N_("running")
    COMPLETED = "completed", N_("completed")
    CANCELLED = "cancelled", N_("cancelled")


class TaskStatus(LabelledEnum):
    OPEN = "open", N_("open")
    COMPLETED = "completed", N_("completed")
    CANCELLED = "cancelled", N_("cancelled")


def may_do(task: Any, person: Any, roles: set[str]) -> bool:
    """Whether ``person`` (an Actor holding ``roles``) may complete ``task``: its permission,
    then its assignee, people, roles or escalation role (a task naming none is anyone's)."""
    if task.permission and not person.can(task.permission):
        return False
    if task.assignee_id is not None:
        return bool(person.id == task.assignee_id)
    wanted = set(task.roles) | ({task.escalated_to} if task.escalated_to else set())
    return person.name in task.users or bool(roles & wanted) or (not task.users and not wanted)


def duration(text: str) -> dt.timedelta:
    """An ISO 8601 duration (P2D, PT4H, P1W; a month counts 30 days, a year 365)."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    parsed = TimerEventDefinition.parse_iso_duration(text)
    return TimerEventDefinition.get_timedelta_from_start(
        parsed, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
