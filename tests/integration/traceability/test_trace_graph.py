"""The drawable genealogy (graph.py) on a real database: one row per thing, children under
the thing they were reached from, a thing reached twice drawn once and referenced, limits
that summarise instead of drawing, finished units counted per parent in big forward answers,
the layout a template draws."""

from __future__ import annotations

from decimal import Decimal

from medtrace.modules import traceability as tr
from medtrace.modules.traceability.web import graph
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import lot, make_item, sscc, unit


def _rows(g: graph.Graph) -> list[tuple[int, str, str]]:
    return [(n.depth, n.kind + ("*" if n.ref else ""), n.code) for n in g.rows]


def test_backward_draws_each_thing_once_and_references_it_elsewhere(db):
    pump = make_item(db, "G-PUMP", kind="finished", tracking="serial")
    board = make_item(db, "G-BOARD", kind="subassembly", tracking="serial")
    pcb = make_item(db, "G-PCB", kind="component", tracking="lot")
    with UnitOfWork(db) as uow:
        p1 = lot(uow, pcb, "GP-1")
        b1 = unit(uow, board, "GB-1")
        s1 = unit(uow, pump, "GS-1")
        tr.record_event(uow, step="produced", inputs=[tr.Part(p1, Decimal("1"))],
                        outputs=[b1], edge_kind="production")
        tr.record_event(uow, step="produced", inputs=[b1, tr.Part(p1, Decimal("1"))],
                        outputs=[s1], edge_kind="production")
        g = graph.genealogy(uow, s1, "backward")
    assert _rows(g) == [(0, "unit", "GS-1"), (1, "lot", "GP-1"), (1, "unit", "GB-1"),
                        (2, "lot*", "GP-1")]
    assert g.rows[1].item == "G-PCB" and g.rows[2].parent == g.rows[0].key
    assert g.rows[3].path == f"M{g.rows[2].x + graph.INDENT // 2} {g.rows[2].y + graph.BOX_H} " \
                             f"V{g.rows[3].y + graph.BOX_H // 2} H{g.rows[3].x}"
    assert g.height == 2 * graph.PAD + 3 * graph.ROW + graph.BOX_H and not g.truncated


def test_a_big_forward_answer_counts_finished_units_per_parent(db):
    pump = make_item(db, "G-PUMP", kind="finished", tracking="serial")
    part = make_item(db, "G-PART", kind="component", tracking="lot")
    with UnitOfWork(db) as uow:
        source = lot(uow, part, "GL-1")
        units = [unit(uow, pump, f"GU-{n:02d}") for n in range(12)]
        tr.record_event(uow, step="produced", inputs=[source], outputs=units,
                        edge_kind="production")
        case = tr.create_container(uow, sscc=sscc(77))
        tr.record_event(uow, step="packed", parent=case, what=units[:4])
        tr.record_event(uow, step="scrapped", what=units[10:])
        small = graph.genealogy(uow, source, "forward")
        big = graph.genealogy(uow, source, "forward", summarise_units=True)
    assert not small.units_summarised
    assert len(small.rows) == 1 + 12 + 1 + 3  # the case under its first unit, then references
    assert [n.ref for n in small.rows if n.kind == "container"] == [False, True, True, True]
    assert big.units_summarised
    assert _rows(big) == [(0, "lot", "GL-1"), (1, "container", case.code),
                          (1, "summary", "")]
    summary = big.rows[-1]
    assert summary.count == 12 and summary.counts == {"in_stock": 10, "scrapped": 2}
    assert big.rows[1].parent == big.rows[0].key  # the case hangs under the lot it holds


def test_limits_summarise_what_is_left_out(db):
    board = make_item(db, "G-BOARD", kind="subassembly", tracking="serial")
    part = make_item(db, "G-PART", kind="component", tracking="lot")
    with UnitOfWork(db) as uow:
        origin = lot(uow, part, "GL-0")
        source = lot(uow, part, "GL-2")
        tr.record_event(uow, step="split", inputs=[origin], outputs=[source], edge_kind="split")
        boards = [unit(uow, board, f"GB-{n:02d}") for n in range(9)]
        tr.record_event(uow, step="produced", inputs=[source], outputs=boards,
                        edge_kind="production")
        per_parent = graph.genealogy(uow, source, "forward", max_children=5)
        whole = graph.genealogy(uow, source, "forward", max_nodes=4)
        shallow = graph.genealogy(uow, boards[0], "backward", max_depth=1)
        deep = graph.genealogy(uow, boards[0], "backward")
    assert [n.code for n in per_parent.rows[1:6]] == [f"GB-{n:02d}" for n in range(5)]
    more = per_parent.rows[-1]
    assert more.kind == "summary" and more.more and more.counts == {"unit": 4}
    assert len(whole.rows) == 5 and whole.truncated and whole.rows[-1].count == 6
    assert _rows(shallow) == [(0, "unit", "GB-00"), (1, "lot", "GL-2")]
    assert _rows(deep) == [(0, "unit", "GB-00"), (1, "lot", "GL-2"), (2, "lot", "GL-0")]
