#!/usr/bin/env python3
"""`make bench-compare`: llama.cpp and Enclave side by side on the same models, threads and prompt lengths.

Runs alternate (llama.cpp, Enclave, llama.cpp, Enclave, ...) so that noise from other processes on a shared
machine hits both alike; each figure is the median over the rounds, and the table shows Enclave / llama.cpp.
Enclave also reports what llama-cpp-python cannot measure here: aggregate decode with 8 concurrent sequences
(over the median batch-1 decode and, paired, as each round's own ratio), time to first token with a 1,000-token
prefix cached vs uncached, and peak RSS.

Usage: python3 scripts/bench_compare.py [--rounds 3] [--threads 2] [--models a.gguf,b.gguf] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLAMA_PY = os.path.join(ROOT, ".venv-llamacpp", "bin", "python")
ENCLAVE = os.path.join(ROOT, ".build", "release", "enclave")
DEFAULT_MODELS = ["models/SmolLM2-135M-Instruct.Q4_1.gguf", "models/gemma-3-270m-q4_k_m.gguf"]


def run_json(cmd):
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def positive(text: str) -> int:
    value = int(text) if text.strip().lstrip("+").isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"needs an integer of at least 1, got '{text}'")
    return value


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=positive, default=3)
    p.add_argument("--threads", type=positive, default=2)
    p.add_argument("--models", default=",".join(DEFAULT_MODELS))
    p.add_argument("--json", help="also write the results to this file")
    a = p.parse_args()
    models = [m for m in a.models.split(",") if m]
    missing = [m for m in models if not os.path.isfile(os.path.join(ROOT, m))]
    if not models or missing:
        p.error(f"--models needs existing GGUF files, comma-separated; not found: {', '.join(missing) or '(none given)'}")
    if not os.path.exists(LLAMA_PY):
        sys.exit("llama-cpp-python is not installed: run `make reference-venv` (builds llama.cpp, ~15 minutes)")
    if not os.path.exists(ENCLAVE):
        sys.exit("the release build is missing: run `make build`")
    report = {}
    for model in models:
        name = os.path.basename(model)
        llama, enclave = [], []
        for r in range(a.rounds):
            print(f"[{name}] round {r + 1}/{a.rounds}: llama.cpp ...", file=sys.stderr, flush=True)
            llama.append(run_json([LLAMA_PY, "scripts/reference/llama_bench.py", model, "--threads", str(a.threads),
                                   "--json", "--seed", str(100 + r)]))
            print(f"[{name}] round {r + 1}/{a.rounds}: enclave ...", file=sys.stderr, flush=True)
            enclave.append(run_json([ENCLAVE, "bench", "engine", "--model", model, "--threads", str(a.threads),
                                     "--repetitions", "1", "--concurrency", "1,8", "--json"]))
        med = lambda rows, key: statistics.median(row[key] for row in rows)
        figures = {
            "llama_prefill_tok_s": med(llama, "prefill_tok_s"),
            "enclave_prefill_tok_s": med(enclave, "prefill_tok_s"),
            "llama_decode_tok_s": med(llama, "decode_tok_s"),
            "enclave_decode_tok_s": med(enclave, "decode_tok_s"),
            "enclave_aggregate8_tok_s": statistics.median(row["aggregate_tok_s"]["8"] for row in enclave),
            # x8 over batch 1 within each Enclave run (both measured by one process, seconds apart), per round.
            "enclave_aggregate8_ratios": [row["aggregate_tok_s"]["8"] / row["decode_tok_s"] for row in enclave],
            "enclave_ttft_cached_ms": med(enclave, "ttft_cached_ms"),
            "enclave_ttft_uncached_ms": med(enclave, "ttft_uncached_ms"),
            "enclave_peak_rss_mib": med(enclave, "peak_rss_mib"),
            "model_file_mib": enclave[0]["model_file_mib"],
            "kv_budget_mib": enclave[0]["kv_budget_mib"],
        }
        report[name] = figures
        f = figures
        print(f"\n{name}  ({a.threads} threads, median of {a.rounds} alternating rounds)")
        print(f"  {'':28s} {'llama.cpp':>10s} {'Enclave':>10s} {'ratio':>7s}")
        print(f"  {'prefill 512 tok (tok/s)':28s} {f['llama_prefill_tok_s']:10.1f} {f['enclave_prefill_tok_s']:10.1f} "
              f"{f['enclave_prefill_tok_s'] / f['llama_prefill_tok_s']:6.2f}x")
        print(f"  {'decode batch 1 (tok/s)':28s} {f['llama_decode_tok_s']:10.1f} {f['enclave_decode_tok_s']:10.1f} "
              f"{f['enclave_decode_tok_s'] / f['llama_decode_tok_s']:6.2f}x")
        print(f"  {'aggregate decode x8 (tok/s)':28s} {'':>10s} {f['enclave_aggregate8_tok_s']:10.1f} "
              f"{f['enclave_aggregate8_tok_s'] / f['enclave_decode_tok_s']:6.2f}x batch 1")
        ratios = f["enclave_aggregate8_ratios"]
        print(f"  {'':28s} {'':>10s} {'per round':>10s} {statistics.median(ratios):6.2f}x median "
              f"({', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"  {'TTFT 1000-token prefix (ms)':28s} {'uncached':>10s} {f['enclave_ttft_uncached_ms']:10.1f}")
        print(f"  {'':28s} {'cached':>10s} {f['enclave_ttft_cached_ms']:10.1f} "
              f"{f['enclave_ttft_cached_ms'] / f['enclave_ttft_uncached_ms']:6.2f}x uncached")
        print(f"  {'peak RSS (MiB)':28s} {'':>10s} {f['enclave_peak_rss_mib']:10.1f}  "
              f"(limit: model {f['model_file_mib']:.1f} + KV {f['kv_budget_mib']:.0f} + 100)")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
