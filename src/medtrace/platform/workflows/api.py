"""The workflow API: definitions and versions (`GET /api/v1/workflows`,
`GET/POST /api/v1/workflows/{key}/versions`, the XML, submit, publish), the task inbox
(`GET /api/v1/tasks`), completing and reassigning a task, delegations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select

from medtrace.platform.actor import Actor
from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import require, require_signed_in
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import PathId
from medtrace.platform.workflows import delegations, queries, service
from medtrace.platform.workflows.errors import (
    WorkflowInvalid,
    WorkflowNotFound,
)
from medtrace.platform.workflows.permissions import (
    ADMIN_WORKFLOWS,
    DELEGATE_TASKS,
    PUBLISH_WORKFLOWS,
    REASSIGN_TASKS,
)
from medtrace.platform.workflows.schemas import (
    CompleteIn,
    DefinitionRead,
    DelegationIn,
    DelegationRead,
    PublishIn,
    ReassignIn,
    TaskRead,
    VersionImport,
    VersionRead,
)

router = APIRouter(prefix="/api/v1", tags=["workflows"])
Key = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
                          description="The BPMN process id")]


def _version(version) -> VersionRead:  # type: ignore[no-untyped-def]
    return VersionRead(version=version.version, status=version.status,
                       checksum=version.checksum, change_note=version.change_note,
                       created_at=version.created_at, submitted_at=version.submitted_at,
                       published_at=version.published_at,
                       tasks=sorted(version.meta.get("user_tasks", {})))


def _task(item: queries.InboxTask) -> TaskRead:
    task, instance = item.task, item.instance
    return TaskRead(id=task.id, step=task.element_id, name=task.name, workflow=item.workflow,
                    key=item.key, record_type=instance.record_type,
                    record_id=instance.record_id, record=instance.record_ref,
                    status=task.status, due_at=task.due_at, overdue=item.overdue,
                    escalated_to=task.escalated_to, on_behalf_of=item.on_behalf_of,
                    decisions=item.decisions, fields=item.fields, signature=item.signature,
                    decision=task.decision, completed_at=task.completed_at)


@router.get("/workflows", operation_id="listWorkflows", response_model=list[DefinitionRead],
            summary="Workflow definitions, each with its key and versions")
def list_workflows(request: Request, _: Actor = require(ADMIN_WORKFLOWS)
                   ) -> list[DefinitionRead]:
    with new_uow(request, write=False) as uow:
        return [DefinitionRead(key=d.key, name_zh=d.name_zh, name_en=d.name_en,
                               record_type=d.record_type, versions=[_version(v) for v in vs])
                for d, vs in queries.list_definitions(uow)]


@router.get("/workflows/{key}/versions", operation_id="listWorkflowVersions",
            response_model=list[VersionRead], summary="The versions of one definition")
def list_versions(request: Request, key: Key, _: Actor = require(ADMIN_WORKFLOWS)
                  ) -> list[VersionRead]:
    with new_uow(request, write=False) as uow:
        return [_version(v) for v in queries.versions_of(uow, key)]


@router.post("/workflows/{key}/versions", operation_id="importWorkflowVersion",
             response_model=VersionRead, status_code=201,
             summary="Import a BPMN 2.0 file as a new draft version")
def import_version(request: Request, key: Key, body: VersionImport,
                   actor: Actor = require(ADMIN_WORKFLOWS)) -> VersionRead:
    with new_uow(request) as uow:
        process = service.read_diagram(body.xml)
        if process.key != key:
            raise WorkflowInvalid(f"the file's process id is {process.key}, not {key}")
        record_type = body.record_type
        if record_type is None:
            try:
                record_type = queries.definition_or_raise(uow, key).record_type
            except WorkflowNotFound:
                raise WorkflowInvalid("a new definition needs its record_type") from None
        return _version(service.import_version(
            uow, xml=body.xml, record_type=record_type, actor=actor, name_zh=body.name_zh,
            name_en=body.name_en, change_note=body.change_note))


@router.get("/workflows/{key}/versions/{number}/xml", operation_id="exportWorkflowVersion",
            response_class=Response, summary="A version's BPMN 2.0 XML",
            responses={200: {"content": {"application/xml": {
                "schema": {"type": "string", "description": "BPMN 2.0 XML"}}}}})
def export_version(request: Request, key: Key, number: PathId,
                   _: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    with new_uow(request, write=False) as uow:
        version = queries.version_or_raise(uow, key, number)
        return Response(version.xml, media_type="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{key}-v{number}.bpmn"'})


@router.post("/workflows/{key}/versions/{number}/submit", operation_id="submitWorkflowVersion",
             response_model=VersionRead, summary="Submit a draft for approval")
def submit(request: Request, key: Key, number: PathId,
           actor: Actor = require(ADMIN_WORKFLOWS)) -> VersionRead:
    with new_uow(request) as uow:
        version = queries.version_or_raise(uow, key, number)
        return _version(service.submit_version(uow, version_id=version.id, actor=actor))


@router.post("/workflows/{key}/versions/{number}/publish", operation_id="publishWorkflowVersion",
             response_model=VersionRead,
             summary="Approve a submitted version with an e-signature and publish it")
def publish(request: Request, key: Key, number: PathId, body: PublishIn,
            actor: Actor = require(PUBLISH_WORKFLOWS)) -> VersionRead:
    with new_uow(request) as uow:
        version = queries.version_or_raise(uow, key, number)
        return _version(service.publish_version(uow, version_id=version.id,
                                                password=body.password, actor=actor,
                                                comment=body.comment))


@router.get("/tasks", operation_id="listMyTasks", response_model=list[TaskRead],
            summary="The open tasks the signed-in person may complete now")
def my_tasks(request: Request, actor: Actor = require_signed_in()) -> list[TaskRead]:
    with new_uow(request, write=False) as uow:
        return [_task(t) for t in queries.inbox(uow, actor, request.state.locale)]


def _delegation(row, from_user: str, to_user: str) -> DelegationRead:  # type: ignore[no-untyped-def]
    return DelegationRead(id=row.id, from_user_id=row.from_user_id, to_user_id=row.to_user_id,
                          from_user=from_user, to_user=to_user, starts_at=row.starts_at,
                          ends_at=row.ends_at, reason=row.reason, revoked=row.revoked)


@router.get("/tasks/delegations", operation_id="listMyDelegations",
            response_model=list[DelegationRead],
            summary="The delegations from or to me that have not ended")
def my_delegations(request: Request, actor: Actor = require_signed_in()
                   ) -> list[DelegationRead]:
    with new_uow(request, write=False) as uow:
        return [_delegation(*row) for row in delegations.delegations_of(uow, actor)]


@router.post("/tasks/delegations", operation_id="delegateTasks", response_model=DelegationRead,
             status_code=201, summary="Let another person do my tasks inside a time box")
def delegate(request: Request, body: DelegationIn,
             actor: Actor = require(DELEGATE_TASKS)) -> DelegationRead:
    with new_uow(request, reason=body.reason) as uow:
        row = delegations.delegate(uow, data=body, actor=actor)
        names = {u.id: u.username for u in uow.session.scalars(
            select(User).where(User.id.in_([row.from_user_id, row.to_user_id])))}
        return _delegation(row, names[row.from_user_id], names[row.to_user_id])


@router.post("/tasks/delegations/{delegation_id}/end", operation_id="endDelegation",
             response_model=DelegationRead, summary="End a delegation now")
def end_delegation(request: Request, delegation_id: PathId,
                   actor: Actor = require_signed_in()) -> DelegationRead:
    with new_uow(request) as uow:
        row = delegations.end_delegation(uow, delegation_id=delegation_id, actor=actor)
        names = {u.id: u.username for u in uow.session.scalars(
            select(User).where(User.id.in_([row.from_user_id, row.to_user_id])))}
        return _delegation(row, names[row.from_user_id], names[row.to_user_id])


@router.get("/tasks/{task_id}", operation_id="getTask", response_model=TaskRead,
            summary="One task")
def get_task(request: Request, task_id: PathId, actor: Actor = require_signed_in()) -> TaskRead:
    with new_uow(request, write=False) as uow:
        task, instance = queries.task_or_raise(uow, task_id)
        return _task(queries.describe(uow, [(task, instance)], request.state.locale)[0])


@router.post("/tasks/{task_id}/complete", operation_id="completeTask", response_model=TaskRead,
             summary="Decide a task (with the e-signature the step asks for)")
def complete(request: Request, task_id: PathId, body: CompleteIn,
             actor: Actor = require_signed_in()) -> TaskRead:
    with new_uow(request) as uow:
        service.complete_task(uow, task_id=task_id, decision=body.decision, actor=actor,
                              data=body.data, password=body.password, comment=body.comment)
        task, instance = queries.task_or_raise(uow, task_id)
        return _task(queries.describe(uow, [(task, instance)], request.state.locale)[0])


@router.post("/tasks/{task_id}/reassign", operation_id="reassignTask", response_model=TaskRead,
             summary="Give an open task to one person (administrators)")
def reassign(request: Request, task_id: PathId, body: ReassignIn,
             actor: Actor = require(REASSIGN_TASKS)) -> TaskRead:
    with new_uow(request, reason=body.reason) as uow:
        delegations.reassign_task(uow, task_id=task_id, data=body, actor=actor)
        task, instance = queries.task_or_raise(uow, task_id)
        return _task(queries.describe(uow, [(task, instance)], request.state.locale)[0])
