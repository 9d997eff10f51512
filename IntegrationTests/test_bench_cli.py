"""`enclave bench engine` refuses bad arguments and bad model files with a clear message, before measuring."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import enclave_binary, model_path


def bench_engine(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), "bench", "engine", *arguments],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("arguments, message", [
    (["--concurrency", "0,8"], "--concurrency needs comma-separated integers from 1 to 256, got '0,8'"),
    (["--concurrency", "8,x"], "--concurrency needs comma-separated integers from 1 to 256, got '8,x'"),
    (["--concurrency", "8,"], "--concurrency needs comma-separated integers from 1 to 256, got '8,'"),
    (["--concurrency", "1000"], "--concurrency needs comma-separated integers from 1 to 256, got '1000'"),
    (["--threads", "0"], "--threads must be at least 1, got 0"),
    (["--repetitions", "0"], "--repetitions must be at least 1, got 0"),
    (["--kv-budget-mib=-5"], "--kv-budget-mib must be from 1 to 1048576, got -5"),
])
def test_bad_arguments_are_refused_by_name(arguments: list[str], message: str):
    result = bench_engine("--model", str(model_path()), *arguments)
    assert result.returncode == 64, result.stderr
    assert message in result.stderr
    assert "tok/s" not in result.stdout + result.stderr  # nothing was measured


def test_a_truncated_model_is_a_clear_error(tmp_path: Path):
    truncated = tmp_path / "truncated.gguf"
    with model_path().open("rb") as source:
        truncated.write_bytes(source.read(100_000))
    result = bench_engine("--model", str(truncated))
    assert result.returncode != 0
    assert "more than the file can hold" in result.stderr


def test_a_missing_model_is_a_clear_error(tmp_path: Path):
    result = bench_engine("--model", str(tmp_path / "absent.gguf"))
    assert result.returncode != 0
    assert "cannot open" in result.stderr
