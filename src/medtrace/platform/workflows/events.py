"""Events of the workflow engine (see ``medtrace.platform.events`` and docs/events.md).

- ``WorkflowStarted``: a record entered a published workflow version.
- ``WorkflowTaskCompleted``: a person decided a step (approve, reject...).
- ``WorkflowTaskEscalated``: a step's timer ran out; the named role may now do it too.
- ``WorkflowNotified``: a service task asked to tell a role something.
- ``WorkflowSignal``: a service task's ``emit`` action, for integrations.
- ``WorkflowCompleted``: the instance ended, with its outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.events import Event


@dataclass(frozen=True)
class WorkflowStarted(Event):
    type = "workflow.instance.started"
    version = 1

    instance_id: int
    key: str
    definition_version: int
    record_type: str
    record_id: str


@dataclass(frozen=True)
class WorkflowTaskCompleted(Event):
    type = "workflow.task.completed"
    version = 1

    task_id: int
    instance_id: int
    step: str
    decision: str
    by: str


@dataclass(frozen=True)
class WorkflowTaskEscalated(Event):
    type = "workflow.task.escalated"
    version = 1

    task_id: int
    instance_id: int
    role: str


@dataclass(frozen=True)
class WorkflowNotified(Event):
    type = "workflow.instance.notified"
    version = 1

    instance_id: int
    record_type: str
    record_id: str
    role: str | None
    message: str | None


@dataclass(frozen=True)
class WorkflowSignal(Event):
    type = "workflow.instance.signalled"
    version = 1

    instance_id: int
    record_type: str
    record_id: str
    signal: str


@dataclass(frozen=True)
class WorkflowCompleted(Event):
    type = "workflow.instance.completed"
    version = 1

    instance_id: int
    record_type: str
    record_id: str
    outcome: str | None
