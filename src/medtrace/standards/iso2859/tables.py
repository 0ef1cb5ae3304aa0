"""ISO 2859-1:1999 single sampling, as data: Table 1 (sample size code letters) and Tables
2-A (normal), 2-B (tightened) and 2-C (reduced inspection). GB/T 2828.1-2012 is an identical
adoption (IDT) and prints the same tables. Tables 1, 2-A and 2-B are also those of ANSI/ASQ Z1.4
and MIL-STD-105E; Table 2-C is not: the 1999 edition closed the gap between the acceptance and
rejection numbers of reduced inspection, so its numbers differ from the older standards'.
The values are typed here once and never computed.

Each master table is one line per sample size code letter with one cell per AQL column
(``AQLS``, left to right as printed): ``"Ac,Re"`` for a plan, ``"↓"`` for "use the first
sampling plan below the arrow", ``"↑"`` for "use the first sampling plan above the arrow", and
``"-"`` for a cell the standard leaves blank (row S of Table 2-B has a plan at AQL 0.025
only; no arrow leads to its blank cells). Following an arrow changes the letter, and with it
the sample size. Every cell was checked against the resolved plans (letter, sample size, Ac)
of GB/T 2828.1-2012 Tables 2-A, 2-B and 2-C; see ``docs/inspection.md`` (Sources).
"""

from __future__ import annotations

#: the AQL columns, in percent nonconforming (up to 10) or nonconformities per 100 units
AQLS: tuple[str, ...] = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
    "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250",
    "400", "650", "1000",
)

#: inspection levels, in the column order of Table 1
LEVELS: tuple[str, ...] = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")

#: Table 1: (lot size from, to, code letters per level S-1 S-2 S-3 S-4 I II III); ``None`` as
#: the upper bound is "and over"
TABLE_1: tuple[tuple[int, int | None, str], ...] = (
    (2, 8, "AAAAAAB"),
    (9, 15, "AAAAABC"),
    (16, 25, "AABBBCD"),
    (26, 50, "ABBCCDE"),
    (51, 90, "BBCCCEF"),
    (91, 150, "BBCDDFG"),
    (151, 280, "BCDEEGH"),
    (281, 500, "BCDEFHJ"),
    (501, 1200, "CCEFGJK"),
    (1201, 3200, "CDEGHKL"),
    (3201, 10000, "CDFGJLM"),
    (10001, 35000, "CDFHKMN"),
    (35001, 150000, "DEGJLNP"),
    (150001, 500000, "DEGJMPQ"),
    (500001, None, "DEHKNQR"),
)

#: sample sizes per code letter, normal and tightened inspection (S: tightened only)
SAMPLE_SIZES: dict[str, int] = {
    "A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50, "J": 80, "K": 125,
    "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000, "S": 3150,
}

#: sample sizes per code letter, reduced inspection
REDUCED_SAMPLE_SIZES: dict[str, int] = {
    "A": 2, "B": 2, "C": 2, "D": 3, "E": 5, "F": 8, "G": 13, "H": 20, "J": 32, "K": 50,
    "L": 80, "M": 125, "N": 200, "P": 315, "Q": 500, "R": 800,
}

#: Table 2-A: single sampling plans for normal inspection
TABLE_2A: dict[str, str] = {
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31 44,45",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31 44,45 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31 44,45 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31 44,45 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ 0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "0,1 ↑ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "↑ ↑ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
}

#: Table 2-B: single sampling plans for tightened inspection
TABLE_2B: dict[str, str] = {
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 27,28",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 27,28 41,42",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 27,28 41,42 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 27,28 41,42 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 27,28 41,42 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "0,1 ↑ ↓ 1,2 2,3 3,4 5,6 8,9 12,13 18,19 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "S": "- - 1,2 - - - - - - - - - - - - - - - - - - - - - - -",
}

#: Table 2-C: single sampling plans for reduced inspection (ISO 2859-1:1999: no gap between
#: the acceptance and rejection numbers; rows A to C share the sample size 2)
TABLE_2C: dict[str, str] = {
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↓ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 7,8 10,11 14,15 21,22 30,31",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 14,15 21,22 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 14,15 21,22 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 14,15 21,22 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ 0,1 ↑ ↓ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "0,1 ↑ ↑ ↓ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "↑ ↑ ↑ 1,2 2,3 3,4 5,6 6,7 8,9 10,11 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
}
