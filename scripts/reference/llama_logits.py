#!/usr/bin/env python3
"""Top-5 next-token logits of llama.cpp after a list of token ids (reference only).

Usage: .venv-llamacpp/bin/python scripts/reference/llama_logits.py MODEL.gguf "1 9690 198 ..."
"""
import sys

import numpy as np
from llama_cpp import Llama

llm = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=2, logits_all=True, verbose=False)
tokens = [int(t) for t in sys.argv[2].split()]
llm.reset()
llm.eval(tokens)
logits = np.array(llm.scores[len(tokens) - 1])
for i in np.argsort(-logits)[:5]:
    print(f"{int(i):8d}  {float(logits[i]):10.4f}  {llm.detokenize([int(i)])!r}")
