"""Administration of numbering rules: `GET/POST /api/v1/numbering/rules` (list with filters;
define or change a rule by scope), one rule by id, the kinds of numbers, and
`POST /api/v1/numbering/preview` (the next numbers, not issued)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.numbering import service
from medtrace.platform.numbering.permissions import ADMIN_NUMBERING
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset, PathId

__all__ = ["ADMIN_NUMBERING", "router"]

router = APIRouter(prefix="/api/v1/numbering", tags=["numbering"])

Reset = Literal["never", "yearly", "monthly", "daily"]
Check = Literal["none", "gs1_mod10", "iso7064_mod37_36"]
PATTERN_HELP = ("Literal text (GS1 character set 82) and parts: {YYYY} {YY} {MM} {DD} {YYMMDD} "
                "{YYDDD} (plant-local date of issue) and exactly one {SEQ:n} (n digits)")


class RuleWrite(BaseModel):
    scope: str = Field(max_length=100, description="e.g. traceability.lot (the default for lot "
                                                   "numbers) or traceability.lot:item:42")
    pattern: str = Field(max_length=100, description=PATTERN_HELP,
                         examples=["L{YYMMDD}{SEQ:3}"])
    reset: Reset = Field("never", description="when the sequence restarts at 1")
    check: Check = Field("none", description="check character appended at the end")
    description: str = Field("", max_length=200)
    active: bool = True


class RuleRead(RuleWrite):
    model_config = ConfigDict(from_attributes=True)
    id: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, rule) -> RuleRead:  # type: ignore[no-untyped-def]
        return cls(id=rule.id, scope=rule.scope, pattern=rule.pattern, reset=rule.reset,
                   check=rule.check_char, description=rule.description, active=rule.active,
                   updated_at=rule.updated_at)


class RulePage(BaseModel):
    items: list[RuleRead]
    total: int
    limit: int
    offset: int


class PreviewIn(BaseModel):
    scope: str | None = Field(None, max_length=100,
                              description="a rule's scope: its next numbers (and the counter a "
                                          "draft pattern would go on from)")
    pattern: str | None = Field(None, max_length=100,
                                description="a draft pattern instead of the stored one")
    reset: Reset | None = None
    check: Check | None = None
    count: int = Field(5, ge=1, le=service.MAX_PREVIEW)
    date: dt.date | None = Field(None, description="date of issue (default: today, plant time)")


class PreviewOut(BaseModel):
    scope: str | None
    rule_id: int | None
    pattern: str
    reset: str
    check: str
    period: str
    numbers: list[str]
    exhausted: bool = Field(description="fewer numbers than asked are left in the period")


@router.get("/rules", operation_id="listNumberingRules",
            response_model=RulePage, summary="Numbering rules (filters, paginated)")
def list_rules(
    request: Request,
    kind: str | None = Query(None, description="e.g. traceability.lot: its default rule and "
                                               "the narrower ones"),
    active: bool | None = Query(None),
    q: str | None = Query(None, description="Scope, pattern or description contains"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(ADMIN_NUMBERING),
) -> RulePage:
    with new_uow(request, write=False) as uow:
        rows, total = service.list_rules(uow, kind=kind, active=active, search=q, limit=limit,
                                         offset=offset)
        return RulePage(items=[RuleRead.of(r) for r in rows], total=total, limit=limit,
                        offset=offset)


@router.post("/rules", operation_id="saveNumberingRule", response_model=RuleRead,
             summary="Define a numbering rule or change it (by scope)")
def save_rule(request: Request, body: RuleWrite,
              _: Actor = require(ADMIN_NUMBERING)) -> RuleRead:
    with new_uow(request) as uow:
        return RuleRead.of(service.save_rule(uow, **body.model_dump()))


@router.get("/rules/{rule_id}", operation_id="getNumberingRule",
            response_model=RuleRead, summary="One numbering rule")
def get_rule(request: Request, rule_id: PathId, _: Actor = require(ADMIN_NUMBERING)) -> RuleRead:
    with new_uow(request, write=False) as uow:
        return RuleRead.of(service.get_rule_or_raise(uow, rule_id))


@router.get("/kinds", operation_id="listNumberingKinds",
            summary="The kinds of numbers that rules may be defined for")
def list_kinds(_: Actor = require(ADMIN_NUMBERING)) -> dict[str, str]:
    return service.kinds()


@router.post("/preview", operation_id="previewNumber", response_model=PreviewOut,
             summary="The next numbers of a rule or a draft pattern, without issuing them")
def preview(request: Request, body: PreviewIn,
            _: Actor = require(ADMIN_NUMBERING)) -> PreviewOut:
    with new_uow(request, write=False) as uow:
        shown = service.preview(uow, scope=body.scope, pattern=body.pattern, reset=body.reset,
                                check=body.check, count=body.count, today=body.date)
        return PreviewOut(**shown.__dict__)
