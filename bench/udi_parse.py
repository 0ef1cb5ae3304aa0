"""How fast the ``medtrace`` command starts, and how many codes ``udi parse -`` answers per second.

    .venv/bin/python bench/udi_parse.py [--runs 7] [--codes 100000]

Runs the ``medtrace`` script installed beside this Python as a user would, each time a new
process, timed from outside (whole process: interpreter start, imports, work, exit):

- ``medtrace --help`` and ``medtrace udi parse CODE``: the median wall time of ``--runs`` runs;
- ``medtrace udi parse -`` over a generated batch of ``--codes`` realistic mixed codes (GS1 with
  GS separators and a symbology identifier, human-readable GS1, Digital Link, HIBCC primary and
  secondary, ISBT 128; about one in five with errors: a wrong check digit, an impossible date,
  a character HIBC does not allow, digits without AIs, text that is no UDI): codes per second
  of the whole process (start-up included), the median of three runs.

Each figure is taken twice: in a directory without a database (the configured SQLite file does
not exist: nothing to resolve) and with a database that holds the demo catalog (``medtrace db
upgrade`` and ``medtrace demo load`` into a temporary file, removed afterwards), where GS1 codes
of the demo GTINs resolve to their item. One JSON line:
``{"help_start_s": ..., "parse_start_s": ..., "parse_start_db_s": ..., "stdin_codes": N,
"stdin_codes_per_s": ..., "stdin_codes_per_s_db": ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEDTRACE = Path(sys.executable).with_name("medtrace")
HIBC_TABLE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
GS = "\x1d"
#: GTINs of the demo catalog (``medtrace demo load``): these resolve when the database is there
DEMO_GTINS = ("06971234560018", "06971234560025", "16971234560022", "06971234560032",
              "06971234560049")
ONE_CODE = "]d2010697123456001817270630" + "10LOT-2611" + GS + "21SN004211"


def gs1_check(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def hibc(text: str) -> str:
    return text + HIBC_TABLE[sum(HIBC_TABLE.index(c) for c in text) % 43]


def generate(count: int, seed: int = 20261205) -> list[str]:
    """``count`` codes in a realistic mix (a production line scans few items, many units)."""
    rng = random.Random(seed)
    gtins = list(DEMO_GTINS) + [gs1_check(f"0697{rng.randrange(10**9):09d}") for _ in range(45)]
    codes: list[str] = []
    for n in range(count):
        gtin = rng.choice(gtins)
        lot = f"L{rng.randrange(2600, 2612)}{rng.randrange(100):02d}"
        serial = f"SN{n:07d}"
        day = rng.choice(("00", "15", "28"))  # 00: the last day of the month (AI 17)
        expiry = f"{rng.randrange(26, 31)}{rng.randrange(1, 13):02d}{day}"
        kind = rng.random()
        if kind < 0.30:
            code = f"]d201{gtin}17{expiry}10{lot}{GS}21{serial}"
        elif kind < 0.50:
            code = f"(01){gtin}(17){expiry}(10){lot}(21){serial}"
        elif kind < 0.62:
            code = f"https://id.example.cn/01/{gtin}/10/{lot}/21/{serial}?17={expiry}"
        elif kind < 0.72:
            primary = hibc(f"+A123BJC{rng.randrange(100):02d}D6E71")
            code = primary if rng.random() < 0.5 else hibc(primary[:-1] + f"/$$3{expiry}{lot}")
        elif kind < 0.82:
            code = (f"=/A9999XYZ100T0944=,0000{rng.randrange(10, 99)}=A99971312345600"
                    f"=>0{rng.randrange(26, 30)}{rng.randrange(1, 366):03d}")
        elif kind < 0.86:
            code = f"(01){gtin[:-1]}{(int(gtin[-1]) + 1) % 10}(10){lot}"  # wrong check digit
        elif kind < 0.90:
            code = f"]d201{gtin}17{expiry[:2]}1340"  # month 13
        elif kind < 0.94:
            code = hibc(f"+A123BJC{rng.randrange(100):02d}D6E71")[:-1] + "?"  # not HIBC
        elif kind < 0.97:
            code = rng.choice(("NO-UDI-HERE", "4711", "hello world", "(99"))
        else:
            code = f"{gtin}{expiry}"  # digits without AIs
        codes.append(code)
    return codes


def _median_wall(command: list[str], env: dict[str, str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs + 1):  # the first run warms the file cache and is not counted
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times[1:]), 3)


def _codes_per_second(batch: Path, env: dict[str, str], cwd: Path, count: int) -> float:
    rates = []
    for _ in range(3):
        with batch.open("rb") as stdin:
            start = time.perf_counter()
            done = subprocess.run([str(MEDTRACE), "udi", "parse", "-"], stdin=stdin, env=env,
                                  cwd=cwd, stdout=subprocess.DEVNULL, check=False)
            rates.append(count / (time.perf_counter() - start))
        if done.returncode != 1:  # the batch holds invalid codes: exit 1 is the right answer
            raise SystemExit(f"udi parse - exited {done.returncode}")
    return round(statistics.median(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per start-up figure")
    parser.add_argument("--codes", type=int, default=100_000, help="codes in the stdin batch")
    args = parser.parse_args()
    figures: dict[str, float | int] = {}
    # the commands run in scratch directories: a relative PYTHONPATH (src) must still point here
    python_path = os.pathsep.join(
        str(Path(entry).resolve()) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if entry)
    with tempfile.TemporaryDirectory(prefix="medtrace-udi-bench-") as scratch:
        root = Path(scratch)
        batch = root / "codes.txt"
        batch.write_text("\n".join(generate(args.codes)) + "\n", encoding="utf-8")
        for label, folder in (("", root / "empty"), ("_db", root / "db")):
            folder.mkdir()
            env = {**os.environ, "PYTHONPATH": python_path,
                   "MEDTRACE_DATABASE_URL": f"sqlite:///{folder / 'medtrace.db'}",
                   "MEDTRACE_LOG_FORMAT": "json"}
            if label:
                for step in (["db", "upgrade"], ["demo", "load"]):
                    subprocess.run([str(MEDTRACE), *step], env=env, cwd=folder, check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                figures["help_start_s"] = _median_wall([str(MEDTRACE), "--help"], env, folder,
                                                       args.runs)
            figures[f"parse_start{label}_s"] = _median_wall(
                [str(MEDTRACE), "udi", "parse", ONE_CODE], env, folder, args.runs)
            figures["stdin_codes"] = args.codes
            figures[f"stdin_codes_per_s{label}"] = _codes_per_second(batch, env, folder,
                                                                     args.codes)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
