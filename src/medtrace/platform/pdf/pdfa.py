"""ReportLab's PDF made PDF/A-2b by pikepdf.

The open-source ReportLab has no PDF/A mode (no pdfaid metadata, no output intent), so
pikepdf's ``pdfa.save`` adds the XMP metadata declaring the conformance (dc:title and the rest
agreeing with the document information ReportLab wrote) and the sRGB output intent, and checks
the bytes it wrote against its allowlist of veraPDF's PDF/A-2b rules before they are returned.
The document itself must embed every font it shows (see ``font``)."""

from __future__ import annotations

import io


def as_pdfa(data: bytes) -> bytes:
    """``data`` (a PDF written by ReportLab) as a validated PDF/A-2b document. Raises
    ``pikepdf.pdfa.PdfaError`` if the written bytes fail the validation (a bug of the caller's
    drawing, such as a font that is not embedded)."""
    import pikepdf
    from pikepdf import pdfa

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:  # ReportLab writes an empty transition dictionary: no effect
            if page.obj.get("/Trans") == pikepdf.Dictionary():
                del page.obj["/Trans"]
        pdfa.save(pdf, out, "2b")
    return out.getvalue()
