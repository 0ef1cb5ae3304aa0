#!/usr/bin/env python3
"""Traceability benchmark: MedTrace's engine against the raw recursive-SQL baseline.

    python bench/trace_bench.py --scale 100000 [--database-url postgresql://...] [--repeat 5]

Generates (or reuses) the workload of ``../shared/bench/gen_trace_workload.py``, loads it into a
fresh database through ``medtrace trace import`` (the same validation as the services), checks
every one of the 50 backward and 20 forward answers against the workload's ``expected.json``
(exit 1 on any difference), then times them through the service and through HTTP (a real
``medtrace serve`` process), runs ``../shared/bench/baseline_sql.py`` on the same data and prints
one JSON line with every figure and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
STATUSES = ("in_stock", "shipped", "installed", "returned", "scrapped")
BENCH_USER, BENCH_PASSWORD = "bench.runner", "Bench-Runner-2026!"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def figures(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 3), "p95": round(p95(samples), 3)}


def run(cmd: list[str], env: dict[str, str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, text=True, capture_output=True, check=False, **kw)


def fresh_database(url: str) -> None:
    """An empty database at ``url`` (SQLite: the file is removed; PostgreSQL: recreated)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def workload(scale: int, seed: int, data: Path) -> None:
    if (data / "expected.json").is_file():
        return
    done = subprocess.run([sys.executable, str(SHARED / "gen_trace_workload.py"), "--scale",
                           str(scale), "--seed", str(seed), "--out", str(data)], check=False)
    if done.returncode:
        raise SystemExit("workload generation failed")


class Names:
    """The workload's ids and MedTrace's codes: lots are known by (item, lot number)."""

    def __init__(self, data: Path) -> None:
        self.lot_key: dict[tuple[str, str], str] = {}
        self.lot_ref: dict[str, tuple[str, str]] = {}
        with open(data / "lots.csv", newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for lot_id, item, number, *_ in reader:
                self.lot_key[(item, number)] = lot_id
                self.lot_ref[lot_id] = (item, number)


def check(service: Any, names: Names, expected: dict[str, Any]) -> list[str]:
    problems = []
    for case in expected["backward"]:
        answer = service.backward(case["serial"])
        ancestors = sorted([names.lot_key[(x["item"], x["lot"])] for x in answer["lots"]]
                           + [u["serial"] for u in answer["units"]])
        got = {"ancestors": ancestors, "suppliers": answer["suppliers"]}
        wrong = [k for k, v in got.items() if v != case[k]]
        if wrong:
            problems.append(f"backward {case['serial']}: {' and '.join(wrong)} differ "
                            f"({len(ancestors)} ancestors, expected {case['ancestor_count']})")
    for case in expected["forward"]:
        item, number = names.lot_ref[case["lot_id"]]
        answer = service.forward(number, item)
        got = {"units": sorted(u["serial"] for u in answer["units"]),
               "by_status": {s: answer["totals"]["by_status"].get(s, 0) for s in STATUSES},
               "by_customer": answer["totals"]["by_customer"]}
        wrong = [k for k, v in got.items() if v != case[k]]
        if wrong:
            problems.append(f"forward {case['lot_id']}: {' and '.join(wrong)} differ "
                            f"({len(got['units'])} units, expected {case['count']})")
    return problems


class ServiceCalls:
    """The trace queries through the domain service, one read-only unit of work each."""

    def __init__(self, url: str) -> None:
        from medtrace.platform.db.session import Database

        self.db = Database.from_url(url)

    def _call(self, kind: str, code: str, item: str | None = None) -> dict[str, Any]:
        from medtrace.modules.traceability import queries
        from medtrace.platform.db.uow import UnitOfWork

        with UnitOfWork(self.db, write=False) as uow:
            return getattr(queries, kind)(uow, queries.resolve(uow, code, item=item))

    def backward(self, serial: str) -> dict[str, Any]:
        return self._call("backward", serial)

    def forward(self, number: str, item: str) -> dict[str, Any]:
        return self._call("forward", number, item)


class HttpCalls:
    """The same through a real ``medtrace serve`` process with a bearer token."""

    def __init__(self, base: str) -> None:
        import httpx

        self.client = httpx.Client(base_url=base, timeout=300)
        token = self.client.post("/api/v1/auth/token", data={"grant_type": "password",
            "username": BENCH_USER, "password": BENCH_PASSWORD}).json()["access_token"]
        self.client.headers["Authorization"] = f"Bearer {token}"

    def backward(self, serial: str) -> dict[str, Any]:
        response = self.client.get("/api/v1/trace/backward", params={"code": serial})
        response.raise_for_status()
        return response.json()

    def forward(self, number: str, item: str, limit: int = 1000) -> dict[str, Any]:
        response = self.client.get("/api/v1/trace/forward",
                                   params={"code": number, "item": item, "limit": limit})
        response.raise_for_status()
        return response.json()


def timed_rounds(calls: Any, names: Names, expected: dict[str, Any], repeat: int
                 ) -> dict[str, Any]:
    largest = max(expected["forward"], key=lambda case: case["count"])
    back, fwd, big = [], [], []
    for _ in range(repeat):
        for case in expected["backward"]:
            started = time.perf_counter()
            calls.backward(case["serial"])
            back.append((time.perf_counter() - started) * 1000)
        for case in expected["forward"]:
            item, number = names.lot_ref[case["lot_id"]]
            started = time.perf_counter()
            calls.forward(number, item)
            fwd.append((time.perf_counter() - started) * 1000)
            if case is largest:
                big.append(fwd[-1])
    return {"backward_ms": figures(back),
            "forward_ms": {**figures(fwd), "largest_lot_ms": round(statistics.median(big), 3),
                           "largest_lot_units": largest["count"]}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**env, "MEDTRACE_PORT": str(port), "MEDTRACE_HOST": "127.0.0.1",
           "MEDTRACE_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/medtrace"), "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("medtrace serve did not start")


def ratio(ours: float, baseline: float | None) -> float | None:
    return round(ours / baseline, 2) if baseline else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="workload folder (default var/bench/wSCALE)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/traceSCALE.db; a "
                        "PostgreSQL database is dropped and recreated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="query a database an earlier run loaded (no load figures)")
    args = parser.parse_args(argv)
    data = args.data or ROOT / "var" / "bench" / f"w{args.scale}"
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / f'trace{args.scale}.db'}"
    workload(args.scale, args.seed, data)
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))
    env = {**os.environ, "MEDTRACE_DATABASE_URL": url, "MEDTRACE_LOG_FORMAT": "json"}
    medtrace = str(ROOT / ".venv/bin/medtrace")

    load: dict[str, Any] = {"total_rows": 0}
    load_s, import_rss = 0.0, 0.0
    if not args.reuse:
        fresh_database(url)
        if run([medtrace, "db", "upgrade"], env).returncode:
            raise SystemExit("medtrace db upgrade failed")
        started = time.perf_counter()
        loaded = run([medtrace, "trace", "import", "--quiet", str(data)], env)
        load_s = time.perf_counter() - started
        if loaded.returncode:
            print(loaded.stderr[-2000:], file=sys.stderr)
            raise SystemExit("medtrace trace import failed")
        load = json.loads(loaded.stdout.strip().splitlines()[-1])
        import_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    names = Names(data)
    service = ServiceCalls(url)
    problems = check(service, names, expected)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"FAILED: {len(problems)} answer(s) differ from expected.json", file=sys.stderr)
        return 1
    result: dict[str, Any] = {
        "db": "postgresql" if url.startswith("postgres") else "sqlite",
        "scale": args.scale, "rows_loaded": load["total_rows"], "load_s": round(load_s, 1),
        "load_rows_per_s": round(load["total_rows"] / load_s) if load_s else None,
        "service": timed_rounds(service, names, expected, args.repeat)}
    if not args.no_http:
        run([medtrace, "user", "create", BENCH_USER, "--password-stdin", "--admin"],
            env, input=BENCH_PASSWORD + "\n")
        process, base = serve(env)
        try:
            http = HttpCalls(base)
            result["http"] = timed_rounds(http, names, expected, args.repeat)
        finally:
            process.terminate()
            process.wait(timeout=30)
    result["peak_rss_mb"] = {"import": round(import_rss, 1), "bench": round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if not args.no_baseline:
        base_url = (url.replace(".db", ".baseline.sqlite3") if url.startswith("sqlite")
                    else url)
        if base_url.startswith("sqlite:///"):
            Path(base_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        done = run([sys.executable, str(SHARED / "baseline_sql.py"), "--data", str(data),
                    "--database-url", base_url, "--repeat", str(args.repeat)], env)
        if done.returncode == 0 and done.stdout.strip():
            baseline = json.loads(done.stdout.strip().splitlines()[-1])
            result["baseline"] = baseline
            ours = result["service"]
            result["ratio_to_baseline"] = {
                "load_rows_per_s": ratio(baseline.get("load_rows_per_s", 0),
                                         result["load_rows_per_s"] or 0),
                "backward_median": ratio(ours["backward_ms"]["median"],
                                         baseline["backward_ms"]["median"]),
                "forward_median": ratio(ours["forward_ms"]["median"],
                                        baseline["forward_ms"]["median"]),
                "largest_lot": ratio(ours["forward_ms"]["largest_lot_ms"],
                                     baseline["forward_ms"]["largest_lot_ms"]),
            }
            if "http" in result:
                result["ratio_to_baseline"]["http_backward_median"] = ratio(
                    result["http"]["backward_ms"]["median"], baseline["backward_ms"]["median"])
        else:
            result["baseline"] = {"error": done.stderr[-500:]}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
