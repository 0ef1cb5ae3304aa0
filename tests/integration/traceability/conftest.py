"""The traceability tests' shared fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _bench_kit() -> Path | None:
    for candidate in (ROOT.parent / "shared" / "bench", ROOT / "shared" / "bench"):
        if (candidate / "gen_trace_workload.py").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kit = _bench_kit()
    if kit is None:
        pytest.skip("the shared traceability bench kit (../shared/bench) is not here")
    out = tmp_path_factory.mktemp("workload") / "w1000"
    subprocess.run([sys.executable, str(kit / "gen_trace_workload.py"), "--scale", "1000",
                    "--seed", "7", "--out", str(out)], check=True, capture_output=True)
    return out
