"""The font of MedTrace's PDF/A documents (the device history record, the delivery note, the
certificate of conformity...): a TrueType-outline CJK font found on the machine
(``MEDTRACE_PDF_FONT``, or the older ``MEDTRACE_DHR_FONT``, else Debian's and Fedora's known
paths), registered once per process, measuring, cleaning and fitting text to columns. PDF/A
embeds every font, so the non-embedded Adobe CID fonts and the standard 14 fonts cannot be
used: a document draws all of its text, Chinese and Latin, with this one font."""

from __future__ import annotations

import functools
import os
import re
import zlib
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_MAX_SOURCE = 2000  # characters of a value looked at: more never fits in a cell
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
TOKENS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+\s*|\s+")  # wrap points: CJK characters, words
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")

FONT_ENV = "MEDTRACE_PDF_FONT"
"""A TrueType-outline font file (``.ttf``, or ``.ttc`` with ``#index`` for a face other than
the first) used instead of the fonts searched for."""
LEGACY_FONT_ENV = "MEDTRACE_DHR_FONT"
"""The name ``FONT_ENV`` had when only the device history record was a PDF: still read when
``FONT_ENV`` is not set."""
FONT_PACKAGE = "fonts-wqy-microhei"
"""The Debian package that ``scripts/ensure-fonts.sh`` installs."""

# Debian's paths first (``fonts-wqy-microhei``, then other packages with TrueType outlines),
# then Fedora's. Noto Sans CJK is not here: its CFF outlines cannot be embedded by ReportLab.
_FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
)
_CJK_PROBE = "器械生产记录批号"


# --- the font --------------------------------------------------------------------------------

def locate_cjk_font() -> tuple[str, int]:
    """The path and face index of the CJK TrueType font to embed: ``MEDTRACE_PDF_FONT`` (else
    ``MEDTRACE_DHR_FONT``) when set, else the first known location that exists. Raises
    RuntimeError when there is none."""
    for variable in (FONT_ENV, LEGACY_FONT_ENV):
        override = os.environ.get(variable, "").strip()
        if not override:
            continue
        path, _, index = override.partition("#")
        index = index.strip()
        if not os.path.isfile(path) or (index and not index.isdigit()):
            raise RuntimeError(f"{variable}={override!r} names no font file (expected a "
                               "TrueType .ttf, or .ttc with an optional #face-index); unset it "
                               f"to use the Debian package {FONT_PACKAGE}'s font")
        return path, int(index or 0)
    for path, index in _FONT_CANDIDATES:
        if os.path.isfile(path):
            return path, index
    raise RuntimeError(
        "No Chinese TrueType font for PDF/A documents: install the Debian "
        f"package {FONT_PACKAGE} (scripts/ensure-fonts.sh does it), or set {FONT_ENV} to a "
        "TrueType-outline .ttf/.ttc font (a CFF-based .otf such as Noto Sans CJK cannot be "
        "embedded by ReportLab)")


@dataclass(frozen=True)
class Font:
    name: str
    glyphs: frozenset[int]  # the code points the font can draw
    ellipsis: str

    def width(self, text: str, size: float) -> float:
        return pdfmetrics.stringWidth(text, self.name, size)

    def clean(self, text: str, *, newlines: bool = False) -> str:
        """``text`` with control characters as spaces (newlines kept when asked) and every
        character the font cannot draw as "?": PDF/A forbids showing the .notdef glyph."""
        text = text[:_MAX_SOURCE]
        if text.isascii() and text.isprintable():
            return text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not newlines:
            text = text.replace("\n", " ")
        text = _CONTROLS.sub(" ", text)
        glyphs = self.glyphs
        return "".join(c if c == "\n" or ord(c) in glyphs else "?" for c in text)

    def fit(self, text: str, width: float, size: float, *, cut: bool = False) -> str:
        """``text`` cut with an ellipsis to ``width`` points (``cut``: even when it fits)."""
        if not cut and self.width(text, size) <= width:
            return text
        text = text[:int(width / (size * 0.15)) + 2]  # no glyph is narrower than 0.15 em
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with the ellipsis
            middle = (low + high + 1) // 2
            if self.width(text[:middle].rstrip() + self.ellipsis, size) <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + self.ellipsis

    def wrap(self, text: str, width: float, size: float, max_lines: int) -> list[str]:
        """``text`` (newlines kept) in at most ``max_lines`` lines of ``width`` points, broken
        between words or CJK characters; the last line ends with an ellipsis if more is left."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for token in TOKENS.findall(paragraph):
                if self.width((line + token).rstrip(), size) <= width:
                    line += token
                    continue
                if line.strip():
                    lines.append(line.rstrip())
                    line = token.lstrip()
                else:
                    line = token
                while (line and len(lines) <= max_lines
                       and self.width(line.rstrip(), size) > width):  # an over-long word
                    keep = max(1, len(self.fit(line, width, size, cut=True)) - len(self.ellipsis))
                    lines.append(line[:keep])
                    line = line[keep:]
                if len(lines) > max_lines:
                    break
            lines.append(line.rstrip())
            if len(lines) > max_lines:
                break
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1], width, size, cut=True)
        return lines


@functools.cache
def register_font(path: str, index: int) -> Font:
    """The font registered with ReportLab once per process (per path and face)."""
    name = f"MedTraceCJK-{zlib.crc32(f'{path}#{index}'.encode()):08x}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except Exception as exc:  # TTFError, or whatever a damaged file makes the parser raise
        raise RuntimeError(
            f"{path} cannot be embedded ({exc}): it must be a TrueType-outline font; install "
            f"the Debian package {FONT_PACKAGE} or point {FONT_ENV} at another font") from exc
    glyphs = frozenset(font.face.charToGlyph)
    missing = [c for c in _CJK_PROBE + "".join(map(chr, range(32, 127))) if ord(c) not in glyphs]
    if missing:
        raise RuntimeError(f"{path} lacks {''.join(missing)!r}: PDF/A documents need a font "
                           f"with Chinese and Latin glyphs, such as {FONT_PACKAGE}'s")
    pdfmetrics.registerFont(font)
    return Font(name, glyphs, "…" if ord("…") in glyphs else "...")


