"""``GET /api/v1/dhr/{code}``: the device history record of a lot or serial unit as JSON, or
``?format=pdf`` as a PDF/A document in the caller's language (``lang`` overrides it)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from medtrace.modules.production.dhr import queries
from medtrace.modules.production.errors import DhrPdfUnavailable
from medtrace.modules.production.permissions import VIEW
from medtrace.modules.production.schemas import AnyAnswer
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.openapi import problems

router = APIRouter(prefix="/api/v1", tags=["production"])


@router.get("/dhr/{code:path}", summary="Device history record of a lot or serial unit",
            operation_id="getDeviceHistoryRecord", response_model=AnyAnswer,
            responses={200: {"content": {"application/pdf": {}}}, **problems(503)})
def get_dhr(request: Request, code: str = Path(min_length=1, max_length=400,
                                               description="Lot number, serial or raw UDI"),
            format: Literal["json", "pdf"] = "json",
            lang: Literal["zh_CN", "en"] | None = None,
            item: str | None = Query(None, max_length=40,
                                     description="Item code or GTIN: narrows a lot number "
                                                 "several items use"),
            _: Actor = require(VIEW)) -> Any:
    locale = lang or getattr(request.state, "locale", "zh_CN")
    with new_uow(request, write=False) as uow:
        record = queries.dhr_of(uow, code, locale=locale, item=item)
    if format == "pdf":
        from medtrace.modules.production.dhr.web import pdf_of

        try:
            body = pdf_of(record, locale)
        except RuntimeError as exc:  # no CJK font here: PDF/A cannot be made
            raise DhrPdfUnavailable(str(exc)) from None
        name = f"DHR-{record['code']}.pdf".replace('"', "")
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    return AnyAnswer(**record)



