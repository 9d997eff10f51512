"""The retrieval evaluation in CI: ingest the Python documentation pages of Tests/Data/eval with the real
`enclave collections create` and `enclave ingest`, run `enclave eval retrieval --json` on the labelled
questions, and fail below the recall@5 threshold set from the measured value (Tests/Data/eval/thresholds.json)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, enclave_binary

QUESTIONS = ROOT / "Tests" / "Data" / "eval" / "python-docs-questions.jsonl"
THRESHOLDS = json.loads((ROOT / "Tests" / "Data" / "eval" / "thresholds.json").read_text())


def run(*arguments: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def corpus_data_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus") / "python-docs"
    prepared = subprocess.run(["scripts/prepare_eval_corpus.sh", str(corpus)], cwd=ROOT, capture_output=True, text=True)
    assert prepared.returncode == 0, prepared.stderr
    data = tmp_path_factory.mktemp("eval") / "data"
    created = run("collections", "create", "pydocs", "--data-dir", str(data))
    assert created.returncode == 0, created.stderr
    ingested = run("ingest", "pydocs", str(corpus), "--data-dir", str(data))
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    return data


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "vector"])
def test_recall_at_5_stays_above_its_threshold(corpus_data_dir: Path, mode: str) -> None:
    result = run("eval", "retrieval", "--collection", "pydocs", "--questions", str(QUESTIONS),
                 "--data-dir", str(corpus_data_dir), "--mode", mode, "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) >= {"recall@1", "recall@5", "recall@10", "mrr", "questions"}
    assert figures["questions"] >= 100
    assert figures["recall@1"] <= figures["recall@5"] <= figures["recall@10"] <= 1
    assert figures["recall@5"] >= THRESHOLDS[mode]["recall@5"], figures
