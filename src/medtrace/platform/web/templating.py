"""Jinja2 templates with Babel translations and locale-aware formatting.

Templates are looked up in ``medtrace/templates`` (the layout and platform pages) and in each
module's ``templates`` folder (``modules/<name>/templates/<name>/...``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from medtrace.platform import i18n
from medtrace.platform.web.nav import nav_entries

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


def _module_template_dirs() -> list[Path]:
    modules = PACKAGE_DIR / "modules"
    return sorted(p for p in modules.glob("*/templates") if p.is_dir())


def _ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = i18n.get_translations(i18n.current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def _babel_locale() -> str:
    return "zh_Hans_CN" if i18n.current_locale() == "zh_CN" else "en"


class Formatting:
    def __init__(self, timezone: str) -> None:
        self.timezone = ZoneInfo(timezone)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return format_datetime(
            value.astimezone(self.timezone), "medium", tzinfo=self.timezone, locale=_babel_locale()
        ) + " (" + value.astimezone(self.timezone).strftime("%Z") + ")"

    @staticmethod
    def number(value: int | Decimal | None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, locale=_babel_locale())

    @staticmethod
    def bytes(value: int | None) -> str:
        if value is None:
            return "—"
        size = float(value)
        for unit in ("B", "KiB", "MiB", "GiB"):
            if size < 1024 or unit == "GiB":
                return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{value} B"


def make_templates(timezone: str) -> Jinja2Templates:
    loaders = [FileSystemLoader(str(TEMPLATE_DIR))]
    loaders += [FileSystemLoader(str(p)) for p in _module_template_dirs()]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message, **kw: i18n.gettext(message, **kw),
        ngettext=_ngettext,
        newstyle=True,
    )
    fmt = Formatting(timezone)
    env.filters["datetime"] = fmt.datetime
    env.filters["number"] = fmt.number
    env.filters["bytes"] = fmt.bytes
    env.globals["nav_entries"] = nav_entries
    env.globals["languages"] = i18n.LANGUAGE_NAMES
    return Jinja2Templates(env=env)


def render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    locale = getattr(request.state, "locale", i18n.current_locale())
    i18n.set_locale(locale)  # this thread renders; the middleware's context may not reach it
    base = {
        "locale": locale,
        "html_lang": i18n.HTML_LANG.get(locale, "zh-CN"),
        "request_id": getattr(request.state, "request_id", None),
        "current_path": request.url.path,
        "actor": getattr(request.state, "actor", None),
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    provider = getattr(request.app.state, "layout_context", None)
    if provider is not None:
        base.update(provider(request))
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)
