#!/usr/bin/env python3
"""Embedding throughput, Enclave against a reference, on the same sentences, threads and cores.

Enclave: `enclave bench embeddings` (the engine's encoder in process, no HTTP). Reference: all-MiniLM-L6-v2 on
ONNX Runtime with HF `tokenizers` (scripts/reference/minilm_onnx.py), in the venv `make bench-embeddings` makes.
The two alternate for --rounds rounds; each figure is sentences per second at batch 1 and 32 (the median over
rounds). Sentences: the non-empty lines of Tests/Data/gpl-3.txt (the GPL, 5 to 60 tokens a line).

    make bench-embeddings                      # or:
    .venv-embed-ref/bin/python scripts/bench_embeddings.py --threads 2 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "reference"))


def sentences(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def enclave(binary: Path, model: Path, corpus: Path, batches: list[int], threads: int, seconds: float) -> dict[int, float]:
    out = subprocess.run(
        [str(binary), "bench", "embeddings", "--model", str(model), "--sentences", str(corpus),
         "--batch", ",".join(map(str, batches)), "--threads", str(threads), "--seconds", str(seconds), "--json"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {r["batch"]: r["sentences_per_second"] for r in records}


def reference(ref, texts: list[str], batches: list[int], seconds: float) -> dict[int, float]:
    rates = {}
    for size in batches:
        position = 0

        def next_batch() -> list[str]:
            nonlocal position
            batch = [texts[(position + i) % len(texts)] for i in range(size)]
            position = (position + size) % len(texts)
            return batch

        ref.embed(next_batch())
        start, done = time.perf_counter(), 0
        while time.perf_counter() - start < seconds or done == 0:
            ref.embed(next_batch())
            done += size
        rates[size] = done / (time.perf_counter() - start)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enclave", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--model", default=str(ROOT / "models" / "all-MiniLM-L6-v2"))
    parser.add_argument("--sentences", default=str(ROOT / "Tests" / "Data" / "gpl-3.txt"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch", default="1,32")
    args = parser.parse_args()
    batches = [int(b) for b in args.batch.split(",")]

    from minilm_onnx import Reference  # needs the reference venv (onnxruntime, onnx, tokenizers, numpy)

    texts = sentences(Path(args.sentences))
    ref = Reference(Path(args.model), threads=args.threads)
    results: dict[str, dict[int, list[float]]] = {"enclave": {b: [] for b in batches}, "onnxruntime": {b: [] for b in batches}}
    for round_ in range(args.rounds):
        for size, rate in enclave(Path(args.enclave), Path(args.model), Path(args.sentences), batches, args.threads, args.seconds).items():
            results["enclave"][size].append(rate)
        for size, rate in reference(ref, texts, batches, args.seconds).items():
            results["onnxruntime"][size].append(rate)
        print(f"round {round_ + 1}: " + json.dumps({k: {b: round(v[-1], 1) for b, v in d.items()} for k, d in results.items()}), file=sys.stderr)

    print(f"{args.threads} threads, {len(texts)} sentences; median of {args.rounds} alternating rounds (min to max)")
    print("| batch | Enclave sentences/s | ONNX Runtime sentences/s | Enclave / reference |")
    print("|---|---|---|---|")
    for size in batches:
        ours, theirs = results["enclave"][size], results["onnxruntime"][size]
        print(
            f"| {size} | {statistics.median(ours):.0f} ({min(ours):.0f} to {max(ours):.0f}) "
            f"| {statistics.median(theirs):.0f} ({min(theirs):.0f} to {max(theirs):.0f}) "
            f"| {statistics.median(ours) / statistics.median(theirs):.2f} |"
        )


if __name__ == "__main__":
    main()
