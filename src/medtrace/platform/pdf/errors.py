"""The problem of a server that cannot make PDF/A documents."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class PdfUnavailable(DomainError):
    """Raised by a route when ``font.locate_cjk_font`` or ``font.register_font`` found no
    usable font (their RuntimeError's text is the detail). The device history record keeps its
    own published code, ``MT-PRODUCTION-DHR-PDF-UNAVAILABLE``."""

    code = "MT-PDF-FONT-UNAVAILABLE"
    status = 503
    title = N_("The document cannot be made as PDF on this server.")
    help = ("PDF/A embeds its fonts, and no Chinese TrueType font is installed: run "
            "`scripts/ensure-fonts.sh` (Debian's fonts-wqy-microhei) or set MEDTRACE_PDF_FONT "
            "to a TrueType .ttf/.ttc font. The same data is unaffected as JSON.")
