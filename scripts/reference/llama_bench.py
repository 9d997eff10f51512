#!/usr/bin/env python3
"""llama.cpp side of `make bench-compare` (llama-cpp-python; reference only, never a product dependency).

Measures, like `enclave bench engine`: prefill tok/s of a PROMPT-token prompt (time to first token, including the
greedy choice of that token) and decode tok/s at batch 1 over DECODE tokens (greedy choice each step). Prompts are
pseudo-random token ids away from the special tokens, new for every run so nothing is cached.

Usage: .venv-llamacpp/bin/python scripts/reference/llama_bench.py MODEL.gguf [--threads 2] [--prompt 512]
       [--decode 128] [--repetitions 1] [--json]
"""
import argparse
import json
import random
import statistics
import sys
import time

import numpy as np
from llama_cpp import Llama


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--prompt", type=int, default=512)
    p.add_argument("--decode", type=int, default=128)
    p.add_argument("--repetitions", type=int, default=1)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    llm = Llama(model_path=a.model, n_ctx=a.prompt + a.decode + 64, n_batch=512, n_ubatch=512,
                n_threads=a.threads, n_threads_batch=a.threads, verbose=False)
    vocab = llm.n_vocab()
    rng = random.Random(a.seed)
    low = min(1000, vocab // 2)

    def prompt(n):
        return [rng.randrange(low, vocab) for _ in range(n)]

    def greedy():
        return int(np.argmax(llm.scores[llm.n_tokens - 1]))

    # Warm-up: page the weights in.
    llm.reset()
    llm.eval(prompt(64))
    prefill, decode = [], []
    for _ in range(a.repetitions):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(prompt(a.prompt))
        greedy()
        prefill.append(a.prompt / (time.perf_counter() - t0))
        llm.reset()
        llm.eval(prompt(16))
        tok = greedy()
        t0 = time.perf_counter()
        for _ in range(a.decode - 1):
            llm.eval([tok])
            tok = greedy()
        decode.append((a.decode - 1) / (time.perf_counter() - t0))
    result = {"engine": "llama.cpp", "prefill_tok_s": statistics.median(prefill),
              "decode_tok_s": statistics.median(decode), "threads": a.threads}
    if a.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"prefill {result['prefill_tok_s']:.1f} tok/s, decode {result['decode_tok_s']:.1f} tok/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
