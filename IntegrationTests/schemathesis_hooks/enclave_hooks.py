"""Schemathesis hooks for the conformance run against a live Enclave (loaded with SCHEMATHESIS_HOOKS).

Generated bodies keep their shape but name the served model (random names would all be 404s) and ask
for at most a few tokens (a CPU generation of the default 16 or the whole context would not fit the
run's time budget). Only valid, positive counts are lowered, so negative cases stay negative.
"""

from __future__ import annotations

import os

import schemathesis

MODEL = os.environ.get("ENCLAVE_SCHEMATHESIS_MODEL", "")
MAX_TOKENS = int(os.environ.get("ENCLAVE_SCHEMATHESIS_MAX_TOKENS", "3"))


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.path_parameters and "model" in case.path_parameters and case.path_parameters["model"] != MODEL:
        # Half the model lookups ask for the served model, the others keep their random (404) name.
        if hash(case.path_parameters["model"]) % 2 == 0:
            case.path_parameters["model"] = MODEL
    body = case.body
    if not isinstance(body, dict):
        return
    if isinstance(body.get("model"), str):
        body["model"] = MODEL
    generation = case.operation.path.endswith("completions")
    if not generation:
        return
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_TOKENS:
            body[key] = MAX_TOKENS
    if "max_tokens" not in body and "max_completion_tokens" not in body:
        body["max_tokens"] = MAX_TOKENS
