#!/usr/bin/env python3
"""Reproduce llama.cpp's perplexity figures with llama-cpp-python (reference only, never a product dependency).

Protocol (Tests/Data/README.md, llama.cpp's `perplexity` default): tokenise the whole file without BOS
and without parsing special tokens; cut into non-overlapping 512-token windows (tail dropped); replace each
window's first token by BOS when the model adds BOS; evaluate each window from an empty cache; score positions
255..510 (256 per window); perplexity = exp(mean NLL).

Usage: .venv-llamacpp/bin/python scripts/reference/llama_perplexity.py MODEL.gguf TEXT [--threads 2] [--json]
(`make reference-perplexity` creates the venv and runs it for both default models.)
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from llama_cpp import Llama


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("text")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--window", type=int, default=512)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    n = a.window
    llm = Llama(model_path=a.model, n_ctx=n, n_batch=n, n_ubatch=n, n_threads=a.threads, n_threads_batch=a.threads,
                logits_all=True, verbose=False)
    text = open(a.text, "rb").read()
    tokens = llm.tokenize(text, add_bos=False, special=False)
    add_bos = llm.metadata.get("tokenizer.ggml.add_bos_token", "true" if llm.token_bos() >= 0 else "false") == "true"
    windows = len(tokens) // n
    nll, count = 0.0, 0
    start = time.time()
    for w in range(windows):
        window = list(tokens[w * n:(w + 1) * n])
        if add_bos:
            window[0] = llm.token_bos()
        llm.reset()
        llm.eval(window)
        logits = np.array(llm.scores[:n], dtype=np.float64)
        for pos in range(n // 2 - 1, n - 1):
            row = logits[pos]
            m = row.max()
            lse = m + math.log(np.exp(row - m).sum())
            nll += lse - row[window[pos + 1]]
            count += 1
        if not a.json:
            print(f"\rwindow {w + 1}/{windows}", end="", file=sys.stderr)
    result = {"perplexity": math.exp(nll / count), "tokens": len(tokens), "scored": count, "windows": windows,
              "seconds": time.time() - start}
    if a.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"\nperplexity {result['perplexity']:.4f} over {count} scored tokens ({len(tokens)} tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
