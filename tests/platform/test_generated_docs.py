"""Generated artefacts must not go stale: docs/errors.md and the translation catalogs."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from medtrace.platform.errors import DomainError, render_errors_markdown
from medtrace.platform.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "medtrace"


def test_errors_doc_is_generated_from_the_code():
    current = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert current == render_errors_markdown(), "docs/errors.md is stale: run `make docs`"


def test_every_error_code_is_well_formed_and_documented():
    render_errors_markdown()  # imports every module so that all codes register
    for code, error in DomainError.registry.items():
        assert code.startswith("MT-") and code == code.upper(), code
        assert 400 <= error.status <= 599, code
        assert error.help.strip(), f"{code} has no help text"


def _source_messages() -> set[str]:
    method_map = [
        ("**.py", "python"),
        ("**/templates/**.html", "jinja2"),
        ("templates/**.html", "jinja2"),
    ]
    options = {
        "**/templates/**.html": {"extensions": "jinja2.ext.i18n"},
        "templates/**.html": {"extensions": "jinja2.ext.i18n"},
    }
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options, keywords=keywords
    ):
        if isinstance(message, tuple):
            found.update(m for m in message if m)
        elif message:
            found.add(message)
    return found


def test_every_ui_string_has_a_chinese_translation():
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_messages() - translated)
    assert not missing, f"untranslated in zh_CN (make update-messages, translate): {missing}"
