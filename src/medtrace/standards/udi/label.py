"""UDI labels: a GS1 DataMatrix (FNC1 in first position, read back as ``]d2``) with the
human-readable interpretation under it, as PNG bytes or SVG text.

The symbol is encoded by zxing-cpp (its zint-based writer in GS1 mode) and drawn here, module
by module, so the PNG (Pillow) and the SVG have the same geometry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from medtrace.standards.udi.compose import Composed, UdiComposeError
from medtrace.standards.udi.gs1 import split_element_string
from medtrace.standards.udi.result import udi_error

MODULE = 8  # pixels (SVG user units) per module
QUIET = 2  # quiet zone, in modules
FONT_SIZE = 16
LINE = 22
MARGIN = 12


@dataclass(frozen=True, slots=True)
class _Layout:
    matrix: tuple[tuple[bool, ...], ...]
    lines: tuple[str, ...]
    title: str | None
    width: int
    height: int
    symbol_x: int
    symbol_y: int
    text_y: int


def _elements(composed: Composed) -> tuple[tuple[str, str], ...]:
    if composed.elements:
        return composed.elements
    elements, _ = split_element_string(composed.element_string)
    return tuple((element.ai, element.value) for element in elements)


def symbol_matrix(composed: Composed) -> tuple[tuple[bool, ...], ...]:
    """The GS1 DataMatrix modules (True = dark), without quiet zone."""
    pairs = _elements(composed)
    bracketed = "".join(f"[{ai}]{value}" for ai, value in pairs)
    try:
        barcode = zxingcpp.create_barcode(
            bracketed, zxingcpp.BarcodeFormat.DataMatrix, gs1=True, forceSquare=True
        )
        image = zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=False)
    except Exception as exc:  # the encoder reports problems as generic exceptions
        raise UdiComposeError(udi_error("UDI-LABEL-FAILED", reason=str(exc))) from exc
    height, width = image.shape[0], image.shape[1]
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]
    return tuple(
        tuple(pixels[row * width + column] < 128 for column in range(width))
        for row in range(height)
    )


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def _text_width(text: str) -> int:
    return int(_font(FONT_SIZE).getlength(text))


def _layout(composed: Composed, title: str | None) -> _Layout:
    matrix = symbol_matrix(composed)
    lines = tuple(f"({ai}){value}" for ai, value in _elements(composed))
    symbol = len(matrix) * MODULE
    framed = symbol + 2 * QUIET * MODULE
    texts = [*lines, title or ""]
    width = max(framed, max(_text_width(t) for t in texts) + 2 * MARGIN)
    top = (LINE + MARGIN) if title else 0
    symbol_y = top + QUIET * MODULE
    text_y = symbol_y + symbol + QUIET * MODULE
    height = text_y + len(lines) * LINE + MARGIN
    return _Layout(
        matrix=matrix,
        lines=lines,
        title=title,
        width=width,
        height=height,
        symbol_x=(width - symbol) // 2,
        symbol_y=symbol_y,
        text_y=text_y,
    )


def _png(layout: _Layout) -> bytes:
    image = Image.new("L", (layout.width, layout.height), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(layout.matrix):
        for column, dark in enumerate(cells):
            if dark:
                x = layout.symbol_x + column * MODULE
                y = layout.symbol_y + row * MODULE
                draw.rectangle((x, y, x + MODULE - 1, y + MODULE - 1), fill=0)
    font = _font(FONT_SIZE)
    if layout.title:
        draw.text((layout.width / 2, MARGIN), layout.title, fill=0, font=font, anchor="mt")
    for index, line in enumerate(layout.lines):
        y = layout.text_y + index * LINE
        draw.text((layout.width / 2, y), line, fill=0, font=font, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _svg(layout: _Layout, hri: str) -> str:
    runs: list[str] = []
    for row, cells in enumerate(layout.matrix):
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            x = layout.symbol_x + start * MODULE
            y = layout.symbol_y + row * MODULE
            runs.append(
                f"M{x} {y}h{(column - start) * MODULE}v{MODULE}h-{(column - start) * MODULE}z"
            )
    text_attributes = (
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_SIZE}" '
        'text-anchor="middle" fill="#000"'
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
        f"<title>{escape(layout.title or 'UDI')}</title>",
        f"<desc>{escape(hri)}</desc>",
        f'<rect width="{layout.width}" height="{layout.height}" fill="#fff"/>',
        f'<path d="{"".join(runs)}" fill="#000" shape-rendering="crispEdges"/>',
    ]
    center = layout.width / 2
    if layout.title:
        parts.append(
            f'<text x="{center:g}" y="{MARGIN + FONT_SIZE}" {text_attributes}>'
            f"{escape(layout.title)}</text>"
        )
    for index, line in enumerate(layout.lines):
        y = layout.text_y + index * LINE + FONT_SIZE
        parts.append(f'<text x="{center:g}" y="{y}" {text_attributes}>{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_label(
    composed: Composed, *, format: Literal["png", "svg"] = "png", title: str | None = None
) -> bytes | str:
    """A GS1 DataMatrix of ``composed`` with one HRI line per AI under it (and ``title``
    above it): PNG bytes for ``format="png"``, SVG text for ``format="svg"``."""
    if format not in ("png", "svg"):
        raise ValueError(f"format must be 'png' or 'svg', not {format!r}")
    layout = _layout(composed, title)
    if format == "png":
        return _png(layout)
    return _svg(layout, composed.hri)
