"""GS1 logistics labels: the SSCC of a case or pallet, AI (00), and for a homogeneous package
(one trade item, one lot) its content: (02) the GTIN of the trade items inside, (17) their
expiry, (37) how many, (10) their lot; as GS1-128 symbols (Code 128 with FNC1 in first
position, read back as ``]C1``) with the human-readable interpretation under each, drawn as
PNG bytes or SVG text.

A GS1-128 symbol holds at most 48 data characters (AIs, data and the FNC1 separators). When
all the elements do not fit in one, the label has several symbols as GS1 logistic labels do:
the SSCC alone, then the content in as few symbols as it fits; the SSCC's symbol is drawn at
the bottom. The pre-defined length AIs come first, so that one FNC1 separator at most is
needed: (00), (02), (17), (37), (10).

The elements are checked as ``compose_gs1`` checks a UDI: length, character set, check digits
and dates by the AI table, then the table's pairing rules ((02) needs (37), (37) needs (02),
(10) and (17) need (02)). Refusals raise ``UdiComposeError`` with the parser's codes
(``GS1-CHECK-DIGIT``, ``GS1-ILLEGAL-CHARACTER``, ``GS1-TRUNCATED``, ``GS1-TOO-LONG``,
``GS1-INVALID-DATE``, ``GS1-MISSING-PAIR``; ``UDI-LABEL-FAILED`` for a count below 1 or a
symbol the encoder refused)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape

import zxingcpp
from PIL import Image, ImageDraw

from medtrace.standards.udi import dates
from medtrace.standards.udi.ai_table import DIGITS, check_digit, check_element
from medtrace.standards.udi.compose import Composed, UdiComposeError, _date_field, _gtin
from medtrace.standards.udi.gs1 import association_errors, element_string, hri
from medtrace.standards.udi.label import FONT_SIZE, LINE, MARGIN, _font, _text_width
from medtrace.standards.udi.result import udi_error

MAX_DATA = 48  # data characters of one GS1-128 symbol, FNC1 separators included
MODULE = 3  # pixels (SVG user units) per module
QUIET = 10  # quiet zone either side, in modules (GS1-128 asks for 10)
BAR_HEIGHT = 96  # pixels: about 32 modules
GAP = 18  # pixels between one symbol's text and the next symbol


def complete_sscc(digits: str) -> str:
    """The 18-digit SSCC of its first 17 digits (extension digit, GS1 company prefix, serial
    reference) with the GS1 check digit appended."""
    digits = digits.strip()
    if len(digits) != 17 or not set(digits) <= DIGITS:
        raise ValueError(f"an SSCC without its check digit has 17 digits, not {digits!r}")
    return digits + str(check_digit(digits))


def hri_text(pairs: tuple[tuple[str, str], ...]) -> str:
    """The text printed under a symbol: ``(00) 069501234000000017 (02) ...``."""
    return " ".join(f"({ai}) {value}" for ai, value in pairs)


@dataclass(frozen=True, slots=True)
class LogisticsLabel:
    """``symbols`` are the GS1-128 symbols in order, the SSCC's first; each one's
    ``element_string`` has GS (``\\x1d``) where FNC1 separates a variable-length AI."""

    sscc: str
    elements: tuple[tuple[str, str], ...]
    symbols: tuple[Composed, ...]

    @property
    def hri(self) -> str:
        return hri_text(self.elements)


def compose_logistics(
    sscc: str,
    *,
    gtin: str | None = None,
    count: int | None = None,
    lot: str | None = None,
    expiry: date | str | None = None,
    today: date | None = None,
) -> LogisticsLabel:
    """The label of the package ``sscc`` (18 digits with the check digit); ``gtin`` (the GTIN
    of the contained trade items, GTIN-8/12/13/14), ``count``, ``lot`` and ``expiry`` (a date
    or ``YYMMDD``) for a homogeneous package. Raises ``UdiComposeError`` (see the module)."""
    today = today or dates.utc_today()
    pairs: list[tuple[str, str]] = [("00", str(sscc).strip())]
    if gtin is not None:
        pairs.append(("02", _gtin(gtin)))
    if expiry is not None:
        pairs.append(("17", _date_field("17", expiry, today)))
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise UdiComposeError(udi_error("UDI-LABEL-FAILED",
                                            reason=f"the count must be a whole number of at "
                                                   f"least 1, not {count!r}"))
        pairs.append(("37", str(count)))
    if lot is not None:
        pairs.append(("10", str(lot)))
    for ai, value in pairs:
        errors = check_element(ai, value, position=None, today=today)
        if errors:
            raise UdiComposeError(errors[0])
    pairing = association_errors([ai for ai, _ in pairs])
    if pairing:
        raise UdiComposeError(pairing[0])
    symbols = tuple(Composed(element_string(group), hri(group), tuple(group))
                    for group in _split(pairs))
    return LogisticsLabel(pairs[0][1], tuple(pairs), symbols)


def _split(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """All the elements in one symbol when they fit, else the SSCC alone and the rest in as
    few symbols as they fit (in order)."""
    if len(element_string(pairs)) <= MAX_DATA:
        return [pairs]
    groups: list[list[tuple[str, str]]] = [pairs[:1]]
    current: list[tuple[str, str]] = []
    for pair in pairs[1:]:
        if current and len(element_string([*current, pair])) > MAX_DATA:
            groups.append(current)
            current = []
        current.append(pair)
    if current:
        groups.append(current)
    return groups


# --- drawing --------------------------------------------------------------------------------

def symbol_modules(symbol: Composed) -> tuple[bool, ...]:
    """The GS1-128 modules of one symbol, left to right (True = bar), without quiet zones."""
    bracketed = "".join(f"[{ai}]{value}" for ai, value in symbol.elements)
    try:
        barcode = zxingcpp.create_barcode(bracketed, zxingcpp.BarcodeFormat.Code128, gs1=True)
        image = zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=False)
    except Exception as exc:  # the encoder reports problems as generic exceptions
        raise UdiComposeError(udi_error("UDI-LABEL-FAILED", reason=str(exc))) from exc
    width = image.shape[1]
    row = bytes(memoryview(image))[:width]  # type: ignore[arg-type]
    return tuple(pixel < 128 for pixel in row)


@dataclass(frozen=True, slots=True)
class _Block:
    bars: tuple[tuple[int, int], ...]  # (x, width) of each bar, in pixels
    text: str
    y: int  # top of the bars


@dataclass(frozen=True, slots=True)
class _Layout:
    blocks: tuple[_Block, ...]
    title: str | None
    width: int
    height: int


def _runs(modules: tuple[bool, ...], left: int) -> tuple[tuple[int, int], ...]:
    runs: list[tuple[int, int]] = []
    column = 0
    while column < len(modules):
        if not modules[column]:
            column += 1
            continue
        start = column
        while column < len(modules) and modules[column]:
            column += 1
        runs.append((left + start * MODULE, (column - start) * MODULE))
    return tuple(runs)


def _layout(label: LogisticsLabel, title: str | None) -> _Layout:
    symbols = list(reversed(label.symbols))  # the SSCC's symbol at the bottom
    drawn = [(symbol_modules(symbol), hri_text(symbol.elements)) for symbol in symbols]
    texts = [text for _, text in drawn] + [title or ""]
    width = max(max((len(modules) + 2 * QUIET) * MODULE for modules, _ in drawn),
                max(_text_width(text) for text in texts) + 2 * MARGIN)
    y = MARGIN + (LINE + MARGIN if title else 0)
    blocks = []
    for modules, text in drawn:
        left = (width - len(modules) * MODULE) // 2
        blocks.append(_Block(_runs(modules, left), text, y))
        y += BAR_HEIGHT + 4 + LINE + GAP
    return _Layout(tuple(blocks), title, width, y - GAP + MARGIN)


def _png(layout: _Layout) -> bytes:
    image = Image.new("L", (layout.width, layout.height), 255)
    draw = ImageDraw.Draw(image)
    font = _font(FONT_SIZE)
    if layout.title:
        draw.text((layout.width / 2, MARGIN), layout.title, fill=0, font=font, anchor="mt")
    for block in layout.blocks:
        for x, width in block.bars:
            draw.rectangle((x, block.y, x + width - 1, block.y + BAR_HEIGHT - 1), fill=0)
        draw.text((layout.width / 2, block.y + BAR_HEIGHT + 4), block.text, fill=0, font=font,
                  anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _svg(layout: _Layout, label: LogisticsLabel) -> str:
    attributes = (f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
                  f'font-size="{FONT_SIZE}" text-anchor="middle" fill="#000"')
    center = f"{layout.width / 2:g}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
        f"<title>{escape(layout.title or 'SSCC ' + label.sscc)}</title>",
        f"<desc>{escape(label.hri)}</desc>",
        f'<rect width="{layout.width}" height="{layout.height}" fill="#fff"/>',
    ]
    if layout.title:
        parts.append(f'<text x="{center}" y="{MARGIN + FONT_SIZE}" {attributes}>'
                     f"{escape(layout.title)}</text>")
    for block in layout.blocks:
        path = "".join(f"M{x} {block.y}h{width}v{BAR_HEIGHT}h-{width}z"
                       for x, width in block.bars)
        parts.append(f'<path d="{path}" fill="#000" shape-rendering="crispEdges"/>')
        parts.append(f'<text x="{center}" y="{block.y + BAR_HEIGHT + 4 + FONT_SIZE}" '
                     f"{attributes}>{escape(block.text)}</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_logistics_label(label: LogisticsLabel, *, format: Literal["png", "svg"] = "png",
                           title: str | None = None) -> bytes | str:
    """The GS1-128 symbols of ``label``, each with its human-readable interpretation under it
    (and ``title`` above them all): PNG bytes for ``format="png"``, SVG text for ``"svg"``."""
    if format not in ("png", "svg"):
        raise ValueError(f"format must be 'png' or 'svg', not {format!r}")
    layout = _layout(label, title)
    if format == "png":
        return _png(layout)
    return _svg(layout, label)
