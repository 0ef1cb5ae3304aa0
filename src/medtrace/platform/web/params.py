"""Bounded request parameters: every id, offset and page size a route takes has limits, so that
out-of-range input is a 422 problem, never a database overflow (a 500).

``item_id: PathId`` for a path parameter, ``item_id: QueryId = None`` for an optional filter,
``offset: Offset = 0``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query

#: the largest id a column holds (64-bit signed)
MAX_ID = 2**63 - 1
#: paging further than this is never meant (and would overflow a 64-bit OFFSET)
MAX_OFFSET = 10_000_000
#: quantities are NUMERIC(24, 6): below 10^18 in magnitude
MAX_QUANTITY = Decimal(10) ** 18

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
