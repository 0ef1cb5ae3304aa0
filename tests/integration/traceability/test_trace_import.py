"""`medtrace trace import` on a real database: a small generated workload is loaded through the
validating bulk path and every trace is checked against the workload's independent oracle; bad
rows are refused with their file and line, and nothing of their batch stays."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medtrace.modules import traceability as tr
from medtrace.modules.traceability.bulk.service import TraceImport
from medtrace.modules.traceability.errors import ImportRowInvalid
from medtrace.modules.traceability.models import Edge, ImportRun, TraceObject
from medtrace.platform.db.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[3]
STATUSES = ("in_stock", "shipped", "installed", "returned", "scrapped")


def _lot_ids(data: Path) -> dict[tuple[str, str], str]:
    with open(data / "lots.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    return {(r[1], r[2]): r[0] for r in rows}


def test_a_generated_workload_loads_and_every_trace_matches_the_oracle(db, workload):
    result = TraceImport(db, workload, batch_size=2000).run()
    check_against_the_oracle(db, workload, result)


def check_against_the_oracle(db, workload: Path, result: dict) -> None:  # type: ignore[type-arg]
    manifest = json.loads((workload / "manifest.json").read_text())
    for name, rows in result["rows"].items():
        assert rows == manifest["files"][name]["rows"], name
    expected = json.loads((workload / "expected.json").read_text())
    lot_key = _lot_ids(workload)
    lot_ref = {v: k for k, v in lot_key.items()}
    with UnitOfWork(db, write=False) as uow:
        for case in expected["backward"]:
            answer = tr.backward(uow, tr.resolve(uow, case["serial"]))
            ancestors = sorted([lot_key[(x["item"], x["lot"])] for x in answer["lots"]]
                               + [u["serial"] for u in answer["units"]])
            assert ancestors == case["ancestors"], case["serial"]
            assert answer["suppliers"] == case["suppliers"], case["serial"]
        for case in expected["forward"]:
            item, number = lot_ref[case["lot_id"]]
            answer = tr.forward(uow, tr.resolve(uow, number, item=item))
            assert sorted(u["serial"] for u in answer["units"]) == case["units"], case["lot_id"]
            by_status = {s: answer["totals"]["by_status"].get(s, 0) for s in STATUSES}
            assert by_status == case["by_status"], case["lot_id"]
            assert answer["totals"]["by_customer"] == case["by_customer"], case["lot_id"]
        run = uow.session.get(ImportRun, result["import_id"])
        assert run.status == "done" and run.files["edges.csv"]["sha256"] == \
            manifest["files"]["edges.csv"]["sha256"]
        # every imported receipt is in the journal and on the backward trace
        one = expected["backward"][0]["serial"]
        lots = tr.backward(uow, tr.resolve(uow, one))["lots"]
        received = [x for x in lots if x["origin"] == "received"]
        assert received and all(x["receipt"]["doc"].startswith("RC") for x in received)


def _copy(workload: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(workload, target)
    return target


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize(("file", "change", "message"), [
    ("edges.csv", lambda rows: rows[5].__setitem__(1, "L99999999"), "edges.csv line 6: unknown"),
    ("edges.csv", lambda rows: rows[3].__setitem__(4, "-1"), "edges.csv line 4: quantity"),
    ("edges.csv", lambda rows: rows[2].__setitem__(6, "2023-13-01T00:00:00Z"),
     "edges.csv line 3: "),
    ("logistic_units.csv", lambda rows: rows[1].__setitem__(0, rows[1][0][:-1] + (
        "0" if rows[1][0][-1] != "0" else "1")), "logistic_units.csv line 2: "),
    ("units.csv", lambda rows: rows[2].__setitem__(0, "BAD SERIAL"), "units.csv line 3: serial"),
    ("lots.csv", lambda rows: rows[4].__setitem__(8, "1999-01-01"), "lots.csv line 5: the expiry"),
])
def test_a_bad_row_is_named_and_nothing_of_its_batch_stays(db, workload, tmp_path, file, change,
                                                           message):
    data = _copy(workload, tmp_path)
    _rewrite(data / file, change)
    with pytest.raises(ImportRowInvalid) as caught:
        TraceImport(db, data, batch_size=1_000_000).run()
    assert message in (caught.value.detail or ""), caught.value.detail
    with UnitOfWork(db, write=False) as uow:
        run = uow.session.scalars(select(ImportRun)).one()
        assert run.status == "failed" and message in run.counts["error"]
        kind = {"edges.csv": None, "logistic_units.csv": "container", "units.csv": "unit",
                "lots.csv": "lot"}[file]
        if kind is not None:  # the failed file's batch (the whole file here) left nothing
            count = uow.session.scalar(select(func.count()).select_from(TraceObject)
                                       .where(TraceObject.kind == kind))
            assert count == 0
        else:
            assert uow.session.scalar(select(func.count()).select_from(Edge)) == 0


def test_a_cycle_in_the_edges_is_refused(db, workload, tmp_path):
    data = _copy(workload, tmp_path)

    def close_a_cycle(rows):  # type: ignore[no-untyped-def]
        # a finished unit made from a lot is declared an input of that same lot
        first = next(r for r in rows[1:] if r[0] == "lot" and r[2] == "unit")
        rows.append(["unit", first[3], "lot", first[1], "1", "WO99999999", first[6]])

    _rewrite(data / "edges.csv", close_a_cycle)
    with pytest.raises(ImportRowInvalid) as caught:
        TraceImport(db, data).run()
    assert "cycle" in (caught.value.detail or "")


def test_a_number_repeated_in_another_batch_is_named_by_its_line(db, workload, tmp_path):
    data = _copy(workload, tmp_path)

    def repeat_a_lot_number(rows):  # type: ignore[no-untyped-def]
        copy = list(rows[1])
        copy[0] = "L99999999"  # another source id, the same item and printed lot number
        rows.append(copy)

    _rewrite(data / "lots.csv", repeat_a_lot_number)
    lines = len((data / "lots.csv").read_text(encoding="utf-8").splitlines())
    with pytest.raises(ImportRowInvalid) as caught:
        TraceImport(db, data, batch_size=100).run()
    assert f"lots.csv line {lines}: lot " in (caught.value.detail or ""), caught.value.detail
