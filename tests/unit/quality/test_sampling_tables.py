"""ISO 2859-1 sampling plans against a second, independently typed source: Table 1 as printed
(ISO 2859-1:1999 / ANSI/ASQ Z1.4 / MIL-STD-105E, also GB/T 2828.1), and the widely published
single-sampling charts (sample size and acceptance number per lot-size range) at AQL 0.65,
1.0, 2.5 and 4.0 for normal and tightened inspection; then structural checks of every cell of
Tables 2-A, 2-B and 2-C (every arrow leads to a plan, Re = Ac + 1, monotony)."""

from __future__ import annotations

import pytest

from medtrace.standards import iso2859
from medtrace.standards.iso2859 import tables

#: Table 1 as printed: range → letters for S-1 S-2 S-3 S-4 I II III
TABLE_1 = {
    (2, 8): "A A A A A A B", (9, 15): "A A A A A B C", (16, 25): "A A B B B C D",
    (26, 50): "A B B C C D E", (51, 90): "B B C C C E F", (91, 150): "B B C D D F G",
    (151, 280): "B C D E E G H", (281, 500): "B C D E F H J", (501, 1200): "C C E F G J K",
    (1201, 3200): "C D E G H K L", (3201, 10000): "C D F G J L M",
    (10001, 35000): "C D F H K M N", (35001, 150000): "D E G J L N P",
    (150001, 500000): "D E G J M P Q", (500001, 10**9): "D E H K N Q R",
}
LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")

#: normal inspection (Table 2-A), per code letter: (sample size, Ac) at AQL 0.65, 1.0, 2.5, 4.0
NORMAL = {
    "A": [(20, 0), (13, 0), (5, 0), (3, 0)], "B": [(20, 0), (13, 0), (5, 0), (3, 0)],
    "C": [(20, 0), (13, 0), (5, 0), (3, 0)], "D": [(20, 0), (13, 0), (5, 0), (13, 1)],
    "E": [(20, 0), (13, 0), (20, 1), (13, 1)], "F": [(20, 0), (13, 0), (20, 1), (20, 2)],
    "G": [(20, 0), (50, 1), (32, 2), (32, 3)], "H": [(80, 1), (50, 1), (50, 3), (50, 5)],
    "J": [(80, 1), (80, 2), (80, 5), (80, 7)], "K": [(125, 2), (125, 3), (125, 7), (125, 10)],
    "L": [(200, 3), (200, 5), (200, 10), (200, 14)],
    "M": [(315, 5), (315, 7), (315, 14), (315, 21)],
    "N": [(500, 7), (500, 10), (500, 21), (315, 21)],
    "P": [(800, 10), (800, 14), (500, 21), (315, 21)],
    "Q": [(1250, 14), (1250, 21), (500, 21), (315, 21)],
    "R": [(2000, 21), (1250, 21), (500, 21), (315, 21)],
}
#: tightened inspection (Table 2-B), per code letter: (sample size, Ac) at AQL 1.0 and 2.5
TIGHTENED = {
    "A": [(20, 0), (8, 0)], "B": [(20, 0), (8, 0)], "C": [(20, 0), (8, 0)],
    "D": [(20, 0), (8, 0)], "E": [(20, 0), (32, 1)], "F": [(20, 0), (32, 1)],
    "G": [(80, 1), (32, 1)], "H": [(80, 1), (50, 2)], "J": [(80, 1), (80, 3)],
    "K": [(125, 2), (125, 5)], "L": [(200, 3), (200, 8)], "M": [(315, 5), (315, 12)],
    "N": [(500, 8), (500, 18)], "P": [(800, 12), (500, 18)], "Q": [(1250, 18), (500, 18)],
    "R": [(1250, 18), (500, 18)],
}
#: reduced inspection (Table 2-C, ISO 2859-1:1999 = GB/T 2828.1-2012), per code letter:
#: (sample size, Ac) at AQL 0.65, 1.0, 2.5, 4.0, 10, 65 and 250
REDUCED = {
    "A": [(8, 0), (5, 0), (2, 0), (2, 0), (3, 1), (2, 3), (2, 10)],
    "B": [(8, 0), (5, 0), (2, 0), (2, 0), (3, 1), (2, 3), (2, 10)],
    "C": [(8, 0), (5, 0), (2, 0), (2, 0), (3, 1), (2, 5), (2, 10)],
    "D": [(8, 0), (5, 0), (2, 0), (8, 1), (3, 1), (3, 6), (3, 14)],
    "E": [(8, 0), (5, 0), (13, 1), (8, 1), (5, 2), (5, 8), (5, 21)],
    "F": [(8, 0), (5, 0), (13, 1), (8, 1), (8, 3), (8, 10), (5, 21)],
    "G": [(8, 0), (32, 1), (13, 1), (13, 2), (13, 5), (8, 10), (5, 21)],
    "H": [(50, 1), (32, 1), (20, 2), (20, 3), (20, 6), (8, 10), (5, 21)],
    "J": [(50, 1), (32, 1), (32, 3), (32, 5), (32, 8), (8, 10), (5, 21)],
    "K": [(50, 1), (50, 2), (50, 5), (50, 6), (50, 10), (8, 10), (5, 21)],
    "L": [(80, 2), (80, 3), (80, 6), (80, 8), (50, 10), (8, 10), (5, 21)],
    "M": [(125, 3), (125, 5), (125, 8), (125, 10), (50, 10), (8, 10), (5, 21)],
    "N": [(200, 5), (200, 6), (200, 10), (125, 10), (50, 10), (8, 10), (5, 21)],
    "P": [(315, 6), (315, 8), (200, 10), (125, 10), (50, 10), (8, 10), (5, 21)],
    "Q": [(500, 8), (500, 10), (200, 10), (125, 10), (50, 10), (8, 10), (5, 21)],
    "R": [(800, 10), (500, 10), (200, 10), (125, 10), (50, 10), (8, 10), (5, 21)],
}
REDUCED_SIZES = {"A": 2, "B": 2, "C": 2, "D": 3, "E": 5, "F": 8, "G": 13, "H": 20, "J": 32,
                 "K": 50, "L": 80, "M": 125, "N": 200, "P": 315, "Q": 500, "R": 800}


def _lot_sizes() -> list[tuple[int, str, str]]:
    cases = []
    for (low, high), letters in TABLE_1.items():
        for size in (low, high, (low + high) // 2):
            for level, letter in zip(LEVELS, letters.split(), strict=True):
                cases.append((size, level, letter))
    return cases


@pytest.mark.parametrize(("lot_size", "level", "letter"), _lot_sizes())
def test_table_1_gives_the_printed_code_letter(lot_size: int, level: str, letter: str) -> None:
    assert iso2859.code_letter(lot_size, level) == letter


@pytest.mark.parametrize("level", ["I", "II", "III", "S-3", "S-4"])
@pytest.mark.parametrize("span", list(TABLE_1))
def test_normal_plans_for_every_lot_size_range(level: str, span: tuple[int, int]) -> None:
    lot_size = span[1] if span[1] < 10**9 else 600000
    letter = iso2859.code_letter(lot_size, level)
    for aql, (size, accept) in zip(("0.65", "1.0", "2.5", "4.0"), NORMAL[letter], strict=True):
        plan = iso2859.sampling_plan(lot_size, level, aql, "normal")
        assert (plan.code_letter, plan.sample_size, plan.accept, plan.reject) == (
            letter, size, accept, accept + 1), (lot_size, level, aql)
        assert plan.inspect_all == (size >= lot_size)


@pytest.mark.parametrize("level", ["I", "II", "III", "S-2", "S-4"])
@pytest.mark.parametrize("span", list(TABLE_1))
def test_tightened_plans_for_every_lot_size_range(level: str, span: tuple[int, int]) -> None:
    lot_size = span[0]
    letter = iso2859.code_letter(lot_size, level)
    for aql, (size, accept) in zip(("1.0", "2.5"), TIGHTENED[letter], strict=True):
        plan = iso2859.sampling_plan(lot_size, level, aql, "tightened")
        assert (plan.sample_size, plan.accept, plan.reject) == (size, accept, accept + 1), (
            lot_size, level, aql)


@pytest.mark.parametrize("level", ["I", "II", "III", "S-1", "S-3"])
@pytest.mark.parametrize("span", list(TABLE_1))
def test_reduced_plans_for_every_lot_size_range(level: str, span: tuple[int, int]) -> None:
    lot_size = span[0]
    letter = iso2859.code_letter(lot_size, level)
    expected = REDUCED[letter]
    for aql, (size, accept) in zip(("0.65", "1.0", "2.5", "4.0", "10", "65", "250"), expected,
                                   strict=True):
        plan = iso2859.sampling_plan(lot_size, level, aql, "reduced")
        assert (plan.sample_size, plan.accept) == (size, accept), (lot_size, level, aql)
        assert plan.sample_size == REDUCED_SIZES[plan.plan_letter]
        assert plan.reject == plan.accept + 1  # ISO 2859-1:1999: no gap
        normal = iso2859.sampling_plan(lot_size, level, aql, "normal")
        assert plan.sample_size <= normal.sample_size


def test_the_contract_example_and_the_arrows() -> None:
    assert iso2859.sampling_plan(2000, "II", "1.0").as_dict() == {
        "code_letter": "K", "sample_size": 125, "accept": 3, "reject": 4}
    down = iso2859.sampling_plan(400, "II", "0.65")  # H: arrow down to J
    assert down.as_dict() == {"code_letter": "H", "plan_letter": "J", "sample_size": 80,
                              "accept": 1, "reject": 2}
    up = iso2859.sampling_plan(200, "II", "0.65")  # G: arrow up to F
    assert (up.code_letter, up.plan_letter, up.sample_size, up.accept) == ("G", "F", 20, 0)
    assert iso2859.sampling_plan(2000, "II", "1.0", "reduced").sample_size == 50
    tightened_k = iso2859.sampling_plan(2000, "II", "1.0", "tightened")
    assert (tightened_k.sample_size, tightened_k.accept, tightened_k.reject) == (125, 2, 3)
    assert iso2859.plan_for_letter("R", "0.010", "tightened") == ("R", 2000, 0, 1)
    assert iso2859.plan_for_letter("R", "0.025", "tightened") == ("S", 3150, 1, 2)
    # row S of Table 2-B has one plan; R at 0.015 points up, A at 10 has its own plan
    assert iso2859.plan_for_letter("R", "0.015", "tightened") == ("Q", 1250, 0, 1)
    assert iso2859.plan_for_letter("A", "10", "tightened") == ("A", 2, 0, 1)
    # Table 2-C: the long up arrow across P, Q and R at AQL 0.025, and no plan repeated in a row
    assert iso2859.plan_for_letter("Q", "0.025", "reduced") == ("N", 200, 0, 1)
    assert iso2859.plan_for_letter("K", "0.40", "reduced") == ("L", 80, 1, 2)


def test_a_sample_as_large_as_the_lot_means_100_percent() -> None:
    plan = iso2859.sampling_plan(10, "II", "0.65")  # B: arrow down to F, n = 20
    assert plan.inspect_all and plan.to_inspect == 10 and plan.sample_size == 20
    assert plan.as_dict()["inspect_all"] is True


@pytest.mark.parametrize(("args", "field"), [
    ((1, "II", "1.0", "normal"), "lot_size"), ((100, "IV", "1.0", "normal"), "inspection_level"),
    ((100, "II", "1.1", "normal"), "aql"), ((100, "II", "x", "normal"), "aql"),
    ((100, "II", "1.0", "strict"), "severity"),
])
def test_unknown_values_are_refused(args: tuple, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(iso2859.SamplingError) as refused:
        iso2859.sampling_plan(*args)
    assert refused.value.field == field


@pytest.mark.parametrize("severity", iso2859.SEVERITIES)
def test_every_cell_of_every_master_table_leads_to_a_plan(severity: str) -> None:
    table = {"normal": tables.TABLE_2A, "tightened": tables.TABLE_2B,
             "reduced": tables.TABLE_2C}[severity]
    sizes = tables.REDUCED_SAMPLE_SIZES if severity == "reduced" else tables.SAMPLE_SIZES
    for letter, row in table.items():
        cells = row.split(" ")
        assert len(cells) == len(tables.AQLS)
        for aql, cell in zip(tables.AQLS, cells, strict=True):
            if cell == "-":  # blank in the standard (row S of Table 2-B)
                continue
            found, size, accept, reject = iso2859.plan_for_letter(letter, aql, severity)
            assert size == sizes[found] and reject == accept + 1
            if cell not in ("↓", "↑"):
                assert found == letter and f"{accept},{reject}" == cell
            else:
                assert (found > letter) == (cell == "↓") or letter == "S"


def test_acceptance_numbers_grow_with_the_aql_and_the_sample() -> None:
    for table in (tables.TABLE_2A, tables.TABLE_2B, tables.TABLE_2C):
        for row in table.values():
            numbers = [int(c.split(",")[0]) for c in row.split(" ") if "," in c]
            assert numbers == sorted(numbers)
            assert len(numbers) == len(set(numbers))  # no plan twice in one row
    for letter, row in tables.TABLE_2B.items():
        if letter == "S":
            continue
        for tight, normal in zip(row.split(" "), tables.TABLE_2A[letter].split(" "),
                                 strict=True):
            if "," in tight and "," in normal:
                assert int(tight.split(",")[0]) <= int(normal.split(",")[0])


def test_the_aql_one_step_tighter() -> None:
    assert iso2859.tighter_aql("1.0") == "0.65"
    assert iso2859.tighter_aql(1) == "0.65"
    assert iso2859.tighter_aql("0.010") is None
