"""`make bench-compare` (scripts/bench_compare.py) refuses bad arguments before running anything."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize("arguments, message", [
    (["--rounds", "0"], "argument --rounds: needs an integer of at least 1, got '0'"),
    (["--rounds", "x"], "argument --rounds: needs an integer of at least 1, got 'x'"),
    (["--threads", "-1"], "argument --threads: needs an integer of at least 1, got '-1'"),
    (["--models", "absent.gguf"], "--models needs existing GGUF files, comma-separated; not found: absent.gguf"),
    (["--models", ","], "not found: (none given)"),
])
def test_bad_arguments_are_refused_by_name(arguments: list[str], message: str):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_compare.py"), *arguments],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "round 1" not in result.stderr  # nothing was run
