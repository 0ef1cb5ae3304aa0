"""Searches typed by people: a LIKE pattern that finds the text as typed, wildcards included
(``50%`` finds "50%", not everything that starts with 50; ``A_1`` finds "A_1" only)."""

from __future__ import annotations

#: the escape character of every LIKE pattern made here (pass it as ``escape=``)
ESCAPE = "\\"


def contains(text: str) -> str:
    """``%text%`` with ``%``, ``_`` and the escape character escaped."""
    escaped = (text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%")
               .replace("_", ESCAPE + "_"))
    return f"%{escaped}%"
