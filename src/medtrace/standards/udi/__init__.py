"""UDI: read what barcode scanners send for medical-device UDIs of every FDA-accredited issuing
agency (GS1, HIBCC, ICCBBA), compose GS1 UDIs and draw GS1 DataMatrix labels.

Pure Python: no database, no web, no I/O besides reading the packaged GS1 AI table
(``data/gs1-ai-table.json``, Apache-2.0, see ``data/LICENSE-gs1-syntax-dictionary.txt``).

``parse_udi(code)`` accepts

- GS1 element strings with FNC1/GS (``\\x1d``) separators, with or without a symbology
  identifier (any ``]`` + letter + character: ``]d2``, ``]C1``, ``]Q3``, ``]e0``, ``]J1``...)
  and with or without a leading FNC1; an ISO/IEC 15434 format ``05`` envelope
  (``[)>`` RS ``05`` GS ... RS EOT);
- keyboard-wedge substitutes for GS, all outside GS1 character set 82 so they cannot be data:
  ``<GS>``, ``{GS}``, ``[GS]``, ``<FNC1>``, ``{FNC1}``, ``[FNC1]``, ``^]``, ``␝`` (U+241D),
  the literal texts ``\\u001d``, ``\\x1d`` and ``\\035``, ``~1`` (the FNC1 escape of common
  label software) and ``è`` (U+00E8, codeword 232 = FNC1 shown as Latin-1). Matching ignores
  case. Spaces are not separators;
- several GS1 symbols read in one go (a UDI printed as two GS1-128 symbols): a line break or
  the next symbol's identifier (``]C1``, ``]e0``...) between them acts as a separator;
- the human-readable form ``(01)09506000134352(17)261231(10)ABC(21)123`` (spaces allowed);
- GS1 Digital Link URIs on any domain (see ``digital_link``);
- a bare GTIN from EAN/UPC or ITF-14 (``]E0``, ``]E3``, ``]E4``, ``]I1``, or 8/12/13/14
  digits with a valid check digit that are not a valid element string);
- HIBC LIC primary, secondary, concatenated and supplemental data, also as printed
  between asterisks (see ``hibcc``);
- ISBT 128 data structures, back to back or in a compound message (see ``isbt128``).

GS1 rules come from the AI table: fixed/variable length, character sets N/X/Y/Z (CSET
82/39/64), check digits (``csum``: 00, 01, 02, 03, 253, 255, 402, 41x, 8003, 8006...),
``YYMMDD`` dates (month 01-12, day valid for the month; where the table's linter is
``yymmd0`` - AIs 11, 12, 13, 15, 16, 17, 4324, 4325 - day ``00`` means the last day of the
month), times, and the ``req``/``ex`` pairing rules. Two-digit years follow the GS1 General
Specifications 7.12 sliding window (49 years back to 50 ahead of ``today``). An AI whose
partner is missing (e.g. (21) or (10) without (01)) is still read into the result and
reported as ``GS1-MISSING-PAIR``: the partner may be in another barcode on the same item,
but a lone production identifier cannot be used as a UDI on its own.

Error codes (``{...}`` are parameters; a message with a position starts with
``"At position {position}: "``, counted from 1 in ``UdiResult.data``):

========================  ======================================================================
code                      English message
========================  ======================================================================
UDI-EMPTY                 The scanned code is empty.
UDI-UNKNOWN-FORMAT        The scanned code is not a GS1, HIBCC or ICCBBA UDI (it starts with
                          '{start}').
UDI-UNREADABLE            The scanned code could not be read.
UDI-LABEL-FAILED          The label barcode could not be created: {reason}.
GS1-UNKNOWN-AI            The data '{ai}' is not a known GS1 Application Identifier, so what
                          follows it cannot be read.
GS1-TRUNCATED             AI ({ai}) is cut short: it needs at least {expected} characters but
                          has only {found}.
GS1-TOO-LONG              AI ({ai}) has {found} characters but allows at most {maximum}; a group
                          separator (FNC1) may be missing after it.
GS1-ILLEGAL-CHARACTER     AI ({ai}) contains the character '{char}', which is not allowed in its
                          {charset} data.
GS1-CHECK-DIGIT           AI ({ai}) value {value} ends in check digit {found}, but its check
                          digit must be {expected}.
GS1-INVALID-DATE          AI ({ai}) value '{value}' is not a valid {format} date or time.
GS1-DUPLICATE-AI          AI ({ai}) appears more than once with different values ('{first}' and
                          '{second}').
GS1-MISSING-PAIR          AI ({ai}) must be used together with one of {required}, none of which
                          is in this scan (it may be in another barcode on the same item).
GS1-INVALID-PAIR          AI ({ai}) must not be used together with AI ({other}).
GS1-DL-SYNTAX             The GS1 Digital Link URI path is malformed near '{segment}'.
GS1-DL-QUALIFIER          AI ({ai}) is not allowed at this place in a GS1 Digital Link path after
                          AI ({key}); the allowed qualifier sequences are {allowed}.
GS1-DL-ATTRIBUTE          AI ({ai}) may not be given as a GS1 Digital Link query attribute; it
                          belongs in the URI path or is not allowed in a Digital Link.
GS1-DL-EMPTY-SEGMENT      The GS1 Digital Link URI path '{path}' has an empty segment (two '/'
                          in a row or a '/' at its end).
GS1-DL-PERCENT-ENCODING   The GS1 Digital Link URI contains '{text}', which is not valid
                          percent-encoding: a '%' must be followed by two hexadecimal digits.
HIBCC-ILLEGAL-CHARACTER   The character '{char}' is not allowed in HIBC data (allowed: A-Z, 0-9,
                          space and - . $ / + %).
HIBCC-CHECK-CHARACTER     The HIBC check character is '{found}', but the data requires
                          '{expected}'.
HIBCC-LINK-CHARACTER      The link character '{found}' of the secondary data structure does not
                          match the check character '{expected}' of the primary data structure.
HIBCC-INVALID-LIC         The Labeler Identification Code '{value}' must be 4 letters or digits,
                          the first one a letter.
HIBCC-INVALID-PRODUCT     The product or catalogue number '{value}' must be 1 to 18 letters or
                          digits.
HIBCC-INVALID-UOM         The unit of measure '{value}' must be a single digit 0-9.
HIBCC-TRUNCATED           The HIBC {structure} data structure '{value}' is too short to be
                          complete.
HIBCC-TOO-LONG            The HIBC {field} '{value}' is longer than {maximum} characters.
HIBCC-INVALID-DATE        The HIBC date '{value}' is not a valid {format} date.
HIBCC-INVALID-QUANTITY    The HIBC quantity '{value}' must be exactly {digits} digits.
HIBCC-UNSUPPORTED         The data '{value}' is not a HIBC Supplier Labeling data structure
                          (primary, secondary or supplemental data) that can be read.
HIBCC-CONFLICT            The HIBC {field} is given twice with different values ('{first}' and
                          '{second}').
ISBT-SYNTAX               An ISBT 128 data identifier starting with '=' or '&' was expected, but
                          '{char}' was found.
ISBT-UNKNOWN-IDENTIFIER   The ISBT 128 data identifier '{identifier}' is not known.
ISBT-LENGTH               ISBT 128 data structure {number} ('{identifier}') must have {expected}
                          data characters but has {found}.
ISBT-ILLEGAL-CHARACTER    ISBT 128 data structure {number} ('{identifier}') contains '{char}',
                          which is not allowed there.
ISBT-INVALID-DATE         ISBT 128 data structure {number} ('{identifier}') value '{value}' is
                          not a valid {format} date.
ISBT-CHECK-CHARACTER      ISBT 128 data structure {number} ('{identifier}'): the flag characters
                          '{found}' do not match the ISO 7064 mod 37-2 check of donation
                          identification number {value}, which needs '{expected}'.
ISBT-INVALID-VALUE        ISBT 128 data structure {number} ('{identifier}') value '{value}' is
                          not allowed.
ISBT-COMPOUND-COUNT       The ISBT 128 compound message announces {expected} data structures but
                          {found} follow it.
ISBT-DUPLICATE            ISBT 128 data identifier '{identifier}' appears more than once with
                          different contents ('{first}' and '{second}').
========================  ======================================================================

The same texts are in ``result.MESSAGES`` (and ``result.POSITION_TEMPLATE``); the English
words that can appear as parameter values are listed in ``result.PARAMETER_WORDS``.
``compose_gs1`` raises ``UdiComposeError`` with the GS1 codes above; ``render_label`` with
``UDI-LABEL-FAILED``.

Parsing imports only the standard library: ``render_label`` (zxing-cpp, Pillow) is imported on
first use, so a scanner integration that only parses starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medtrace.standards.udi.compose import Composed, UdiComposeError, compose_gs1
from medtrace.standards.udi.parse import GS_SUBSTITUTES, parse_udi
from medtrace.standards.udi.result import (
    MESSAGES,
    POSITION_TEMPLATE,
    UdiError,
    UdiResult,
)

__all__ = [
    "GS_SUBSTITUTES",
    "MESSAGES",
    "POSITION_TEMPLATE",
    "Composed",
    "UdiComposeError",
    "UdiError",
    "UdiResult",
    "compose_gs1",
    "parse_udi",
    "render_label",
]

if TYPE_CHECKING:
    from medtrace.standards.udi.label import render_label


def __getattr__(name: str) -> Any:
    """``render_label`` on first use: drawing needs zxing-cpp and Pillow, parsing does not."""
    if name == "render_label":
        from medtrace.standards.udi.label import render_label

        return render_label
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
