"""The device history record as a page (from the work order and the trace page) and as PDF/A
(``pdf.render_dhr_pdf``), in Chinese or English."""

from __future__ import annotations

from typing import Any

from medtrace.platform.i18n import translate


def pdf_of(record: dict[str, Any], locale: str) -> bytes:
    from medtrace.modules.production.dhr.web import pdf

    labels = {key: translate(key, locale) for key in pdf.LABEL_KEYS}
    return pdf.render_dhr_pdf(record, locale=locale, labels=labels)
