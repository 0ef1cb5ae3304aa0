"""Input and read shapes of the workflow API (the paths and fields are a published contract:
docs/workflows.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, model_validator

#: a BPMN file, as text (the engine refuses files above bpmn.MAX_BYTES)
XML = Field(max_length=2_000_000, description="BPMN 2.0 XML")


class VersionImport(BaseModel):
    xml: str = XML
    record_type: str | None = Field(None, max_length=100, description=(
        "The kind of record the process governs (required for a new definition)"))
    name_zh: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    change_note: str | None = Field(None, max_length=500)


class PublishIn(BaseModel):
    password: str = Field(max_length=200, description="The signer's password (e-signature)")
    comment: str | None = Field(None, max_length=500)


class CompleteIn(BaseModel):
    decision: str = Field(max_length=40, examples=["approve"])
    data: dict[str, str] = Field(default_factory=dict, max_length=50,
                                 description="The fields the step asks for")
    password: str | None = Field(None, max_length=200,
                                 description="For a step that needs an e-signature")
    comment: str | None = Field(None, max_length=500)


class ReassignIn(BaseModel):
    """Who takes the task: ``user_id`` or ``username`` (one of them)."""

    user_id: int | None = Field(None, ge=1, le=2**31 - 1)
    username: str | None = Field(None, min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_person(self) -> ReassignIn:
        if (self.user_id is None) == (self.username is None):
            raise ValueError("give user_id or username")
        return self


class DelegationIn(BaseModel):
    """A time box in which ``to_user`` may do ``from_user``'s tasks (``from_user`` defaults to
    the person asking; naming someone else needs the reassign permission). A time without a
    zone is the plant's local time."""

    to_user: str = Field(min_length=1, max_length=64, description="Username of the delegate")
    from_user: str | None = Field(None, min_length=1, max_length=64, description=(
        "Username whose tasks are delegated (administrators only; default: yourself)"))
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field(min_length=1, max_length=500)


class VersionRead(BaseModel):
    version: int
    status: str
    checksum: str = Field(description="SHA-256 of the XML")
    change_note: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    tasks: list[str] = Field(description="Ids of the process's user tasks")


class DefinitionRead(BaseModel):
    key: str = Field(description="The BPMN process id")
    name_zh: str
    name_en: str
    record_type: str
    versions: list[VersionRead]


class TaskRead(BaseModel):
    id: int
    step: str = Field(description="The BPMN id of the user task")
    name: str
    workflow: str
    key: str
    record_type: str
    record_id: str
    record: str = Field(description="The record's reference")
    status: str
    due_at: dt.datetime | None
    overdue: bool
    escalated_to: str | None
    on_behalf_of: str | None = Field(description="The delegator, for a delegated task")
    decisions: list[str]
    fields: list[str]
    signature: dict[str, Any] | None = Field(description="Meaning and count, when signed")
    decision: str | None
    completed_at: dt.datetime | None


class DelegationRead(BaseModel):
    id: int
    from_user_id: int
    to_user_id: int
    from_user: str
    to_user: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    revoked: bool = False
