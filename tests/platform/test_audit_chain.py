"""The hash chain's canonical form, without a database."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from medtrace.platform.audit.chain import (
    GENESIS,
    canonical_json,
    document,
    entry_hash,
    format_time,
)
from medtrace.platform.audit.queries import entries_csv
from medtrace.platform.audit.values import action_for, jsonable

TRICKY = "".join(chr(i) for i in range(0x20)) + '"\\/é中文\u2028\u2029\U0001f600\x7f '


@pytest.mark.parametrize(
    "strings",
    [
        {"action": "auth.user.update", "entity_ref": "alice", "reason": None},
        {"action": TRICKY, "entity_ref": TRICKY, "reason": TRICKY},
        {"action": "", "entity_ref": "", "reason": ""},
    ],
)
def test_the_document_is_exactly_the_canonical_json_of_the_entry(strings):
    changes = {"name": {"old": TRICKY, "new": "华康"}, "qty": {"old": "1.5", "new": None}}
    content = {
        "action": strings["action"],
        "actor_id": 12,
        "actor_kind": "user",
        "actor_name": "王五",
        "at": "2026-03-01T00:30:15.123000Z",
        "changes": changes,
        "client_ip": None,
        "entity_id": "3:lot.release",
        "entity_ref": strings["entity_ref"],
        "entity_type": "auth_role_permission",
        "prev_hash": GENESIS,
        "reason": strings["reason"],
        "request_id": "req-1",
    }
    expected = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    fields = [content[key] for key in sorted(content)]
    fields[5] = canonical_json(changes)
    assert document(*fields) == expected
    assert entry_hash(*fields) == hashlib.sha256(expected.encode()).hexdigest()


def test_times_are_hashed_in_utc_with_microseconds():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert format_time(dt.datetime(2026, 3, 1, 8, 30, tzinfo=shanghai)) == (
        "2026-03-01T00:30:00.000000Z"
    )
    with pytest.raises(ValueError, match="naive"):
        format_time(dt.datetime(2026, 3, 1))


class Colour(enum.Enum):
    RED = "red"


def test_values_are_made_json_safe():
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert jsonable(Decimal("10.500")) == "10.500"
    assert jsonable(Decimal("1E+3")) == "1000"
    assert jsonable(moment) == "2026-01-02T03:04:05.000006Z"
    assert jsonable(dt.date(2026, 1, 2)) == "2026-01-02"
    assert jsonable(Colour.RED) == "red"
    assert jsonable(float("nan")) == "nan"
    assert jsonable({"a": [Decimal("1"), {2, 1}]}) == {"a": ["1", [1, 2]]}
    assert jsonable(b"\x01\xff") == "01ff"


def test_actions_are_dotted_owner_entity_operation():
    assert action_for("auth_user", "update") == "auth.user.update"
    assert action_for("inventory_stock_move", "create") == "inventory.stock_move.create"


def test_csv_cells_that_look_like_formulas_are_defused():
    row = SimpleNamespace(
        id=1, at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), action="auth.user.update",
        entity_type="auth_user", entity_id="1", entity_ref="=HYPERLINK(1)", actor_kind="user",
        actor_id=1, actor_name="alice", reason=None, request_id=None, client_ip=None,
        changes={"x": {"old": 1, "new": 2}}, prev_hash=GENESIS, hash="ab",
    )
    _header, line = entries_csv([row])
    assert "'=HYPERLINK(1)" in line and "2026-01-02T00:00:00.000000Z" in line
    assert '"{""x"":{""new"":2,""old"":1}}"' in line
