"""Translations: Babel message catalogs under ``medtrace/locale``, English msgids.

The source language is English; ``zh_CN`` (the default UI language) and ``en`` have catalogs.
Compiled ``.mo`` files are built by the set-up (``make compile-messages``); when one is missing
or older than its ``.po`` the catalog is compiled in memory instead, so a fresh checkout never
shows untranslated pages.

- ``N_("...")`` marks a string for extraction without translating it (class attributes).
- ``gettext`` / ``_`` translate into the locale of the current request (a context variable).
"""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent.parent / "locale"
SUPPORTED = ("zh_CN", "en")
DOMAIN = "messages"

_current_locale: ContextVar[str] = ContextVar("medtrace_locale", default="zh_CN")


def N_(message: str) -> str:
    return message


@cache
def get_translations(locale: str) -> NullTranslations:
    if locale not in SUPPORTED:
        locale = SUPPORTED[0]
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    return NullTranslations()


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in SUPPORTED else SUPPORTED[0])


def current_locale() -> str:
    return _current_locale.get()


def gettext(message: str, **params: object) -> str:
    translated = get_translations(current_locale()).gettext(message)
    return translated % params if params else translated


_ = gettext


def translate(message: str, locale: str, **params: object) -> str:
    translated = get_translations(locale).gettext(message)
    return translated % params if params else translated


def translate_known(message: str, locale: str) -> str | None:
    """``message`` in ``locale`` when the catalog has it (English is the source language) or it
    was already written in that language, else None: a developer's English detail is never
    shown on a page in another language."""
    if locale == "en":
        return message
    translated = get_translations(locale).gettext(message)
    if translated != message:
        return translated
    if locale.startswith("zh") and _CJK.search(message):
        return message  # translated when it was raised (gettext with parameters)
    return None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize_locale(value: str | None) -> str | None:
    """Map a browser or user tag (zh-CN, zh-Hans, en-US, en_GB...) to a supported locale."""
    if not value:
        return None
    language = value.strip().replace("_", "-").split("-")[0].lower()
    if language == "zh":
        return "zh_CN"
    if language == "en":
        return "en"
    return None


def parse_accept_language(header: str | None) -> list[str]:
    """Supported locales in the order of the header's quality values."""
    if not header:
        return []
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag, quality = pieces[0].strip(), 1.0
        for param in pieces[1:]:
            key, _sep, raw = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(raw)
                except ValueError:
                    quality = 0.0
        locale = normalize_locale(tag)
        if locale and quality > 0:
            choices.append((-quality, index, locale))
    ordered: list[str] = []
    for _q, _i, locale in sorted(choices):
        if locale not in ordered:
            ordered.append(locale)
    return ordered


def negotiate(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The user's explicit choice, then the browser's preference, then the plant default."""
    chosen = normalize_locale(cookie)
    if chosen:
        return chosen
    preferred = parse_accept_language(accept_language)
    return preferred[0] if preferred else default


LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
