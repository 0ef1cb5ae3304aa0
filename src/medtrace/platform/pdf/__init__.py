"""What every PDF/A document of MedTrace needs, whatever module draws it: the embedded CJK
TrueType font (``font``), the PDF/A-2b finishing of ReportLab's output (``pdfa``) and the
problem a server without that font answers (``errors``).

A helper package, like ``platform.money``: not a platform service in the registry. Nothing is
imported here, so that importing ``medtrace.platform.pdf.errors`` (routes do, at start-up)
costs nothing of ReportLab or pikepdf; the callers import ``font`` and ``pdfa`` when they draw.
"""
