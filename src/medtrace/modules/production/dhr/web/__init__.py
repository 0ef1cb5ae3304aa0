"""The device history record as a page (from the work order and the trace page) and as PDF/A
(``pdf.render_dhr_pdf``), in Chinese or English."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from medtrace.platform.i18n import translate
from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])


def pdf_of(record: dict[str, Any], locale: str) -> bytes:
    from medtrace.modules.production.dhr.web import pdf

    labels = {key: translate(key, locale) for key in pdf.LABEL_KEYS}
    return pdf.render_dhr_pdf(record, locale=locale, labels=labels)
