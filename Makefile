# Enclave: build, run and test. `make run` and `make test` work on a fresh machine.

SWIFT        ?= swift
PYTHON       ?= python3
CONFIG       ?= release
BUILD_FLAGS  ?= -c $(CONFIG)
BIN          := .build/$(CONFIG)/enclave
MODEL        ?= models/SmolLM2-135M-Instruct.Q4_1.gguf
VENV_TEST    := .venv-test

.PHONY: all models build run test lint test-swift test-integration clean help check-eval-data eval-corpus reference-venv reference-perplexity bench-compare probe-madd bench-fairness bench-embeddings bench-retrieval bench-guardrails bench-guardrails-presidio eval-guardrails bench-upstream

all: build

help:
	@echo "make run     fetch the default models, build optimised, start the server (prints the URL and, on first start, the admin key)"
	@echo "make test    fetch the models, build optimised with tests, run every test (Swift, then the Python integration suite)"
	@echo "make test-integration  run the Python integration suite (openai client) against a live enclave serve"
	@echo "make check-eval-data  check the labelled retrieval questions against the Python documentation pages"
	@echo "make eval-corpus  copy the retrieval evaluation pages into $(EVAL_CORPUS)"
	@echo "make lint    check formatting with swift format (.swift-format, the Hummingbird house style)"
	@echo "make models  fetch and verify the default models into models/"

models:
	@$(PYTHON) scripts/fetch_models.py

build:
	$(SWIFT) build $(BUILD_FLAGS) --product enclave

run: models build
	$(BIN) serve --model $(MODEL)

test: models lint check-eval-data test-swift test-integration

# The labelled retrieval questions parse, name pages of the corpus and quote them (Tests/Data/eval/README.md);
# needs python3.11-doc installed. Two seconds.
check-eval-data:
	$(PYTHON) scripts/check_eval_questions.py

# The retrieval evaluation corpus, 48 pages of python3.11-doc checked against their recorded sums, in one
# flat folder for `enclave ingest`.
EVAL_CORPUS ?= .build/eval-corpus/python-docs
eval-corpus:
	scripts/prepare_eval_corpus.sh $(EVAL_CORPUS)

# Formatting is checked, not fixed: run `swift format -i -r Sources Tests Package.swift` to fix.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

test-swift:
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

# A real llama.cpp server for the upstream tests (issue 13): llama-cpp-python's server, built from source
# once without the multimodal library the tests never load (about 8 minutes on two cores), never a
# dependency of the product.
LLAMA_SERVER_VENV ?= .venv-llama-server
$(LLAMA_SERVER_VENV)/bin/python:
	$(PYTHON) -m venv $(LLAMA_SERVER_VENV)
	CMAKE_ARGS="-DLLAVA_BUILD=OFF" $(LLAMA_SERVER_VENV)/bin/pip install --quiet --disable-pip-version-check 'llama-cpp-python[server]==0.3.36'

test-integration: build $(LLAMA_SERVER_VENV)/bin/python
	test -x $(VENV_TEST)/bin/python || $(PYTHON) -m venv $(VENV_TEST)
	$(VENV_TEST)/bin/pip install --quiet --disable-pip-version-check -r IntegrationTests/requirements.txt
	# The hostile-client checks (issue 10) run under a limit of 1,024 descriptors, which the server inherits.
	ulimit -n 1024 && ENCLAVE_BIN=$(BIN) ENCLAVE_TEST_MODEL=$(MODEL) ENCLAVE_LLAMA_PYTHON=$(abspath $(LLAMA_SERVER_VENV))/bin/python \
		$(VENV_TEST)/bin/python -m pytest IntegrationTests -q

# Fair scheduling: user B's time to first token, idle and while user A streams 16 long generations, for
# fifo, fair without preemption and fair (docs/performance.md, "Fair scheduling").
bench-fairness: models build
	$(PYTHON) scripts/bench_fairness.py --bin $(BIN) --model $(MODEL)

# llama.cpp, for comparison only (never a dependency of the product): builds from source, ~15 minutes.
LLAMA_VENV := .venv-llamacpp
$(LLAMA_VENV)/bin/python:
	$(PYTHON) -m venv $(LLAMA_VENV)
	$(LLAMA_VENV)/bin/pip install --quiet llama-cpp-python==0.3.36 numpy

reference-venv: $(LLAMA_VENV)/bin/python

# Reproduces the llama.cpp perplexity figures of Tests/Data/README.md.
reference-perplexity: models reference-venv
	$(LLAMA_VENV)/bin/python scripts/reference/llama_perplexity.py models/SmolLM2-135M-Instruct.Q4_1.gguf $(EVAL_TEXT)
	$(LLAMA_VENV)/bin/python scripts/reference/llama_perplexity.py models/gemma-3-270m-q4_k_m.gguf $(EVAL_TEXT)

EVAL_TEXT ?= Tests/Data/gpl-3.txt

# llama.cpp and Enclave side by side, alternating runs, with ratios.
bench-compare: models build reference-venv
	$(PYTHON) scripts/bench_compare.py --rounds $(or $(ROUNDS),3) --threads $(or $(THREADS),2)

# Embedding throughput against ONNX Runtime (docs/performance.md, "Embeddings"); for comparison only, not in CI.
EMBED_VENV := .venv-embed-ref
$(EMBED_VENV)/bin/python:
	$(PYTHON) -m venv $(EMBED_VENV)
	$(EMBED_VENV)/bin/pip install --quiet --disable-pip-version-check onnxruntime onnx numpy tokenizers

bench-embeddings: models build $(EMBED_VENV)/bin/python
	$(EMBED_VENV)/bin/python scripts/bench_embeddings.py --rounds $(or $(ROUNDS),3) --threads $(or $(THREADS),2)

# Vector search latency, graph recall and memory at 10k and 100k chunks (docs/performance.md, "Retrieval").
bench-retrieval: models build
	$(BIN) bench retrieval --sizes $(or $(SIZES),10000,100000) --model models/all-MiniLM-L6-v2

# Guardrail detectors: precision, recall and F1 on the labelled corpus, and the time per 2 KB scan
# (docs/guardrails.md, docs/performance.md "Guardrails").
GUARD_CASES ?= Tests/Data/guardrails/cases.jsonl
eval-guardrails: build
	$(BIN) eval guardrails --file $(GUARD_CASES)

bench-guardrails: build
	$(BIN) bench guardrails --bytes 2048

# presidio-analyzer's pattern recognizers on the same corpus, side by side; for comparison only, never a
# dependency of the product (its own venv).
PRESIDIO_VENV ?= .venv-presidio
$(PRESIDIO_VENV)/bin/python:
	$(PYTHON) -m venv $(PRESIDIO_VENV)
	$(PRESIDIO_VENV)/bin/pip install --quiet --disable-pip-version-check presidio-analyzer

bench-guardrails-presidio: build $(PRESIDIO_VENV)/bin/python
	$(PRESIDIO_VENV)/bin/python scripts/compare_presidio.py --file $(GUARD_CASES) --bin $(BIN)

# The gateway's own cost in front of a fast fake upstream, beside LiteLLM's proxy (docs/performance.md,
# "Upstream overhead"); LiteLLM is for comparison only, in its own venv, never a dependency of the product.
LITELLM_VENV ?= .venv-litellm
$(LITELLM_VENV)/bin/litellm:
	$(PYTHON) -m venv $(LITELLM_VENV)
	$(LITELLM_VENV)/bin/pip install --quiet --disable-pip-version-check 'litellm[proxy]'

bench-upstream: build $(LITELLM_VENV)/bin/litellm
	$(PYTHON) scripts/bench_upstream.py --bin $(BIN) --litellm $(LITELLM_VENV)/bin/litellm \
		--duration $(or $(DURATION),10) --rounds $(or $(ROUNDS),2)

# The multiply-add throughput floor of this CPU (docs/performance.md, "aggregate decode").
probe-madd:
	mkdir -p .build
	clang -O2 -mavx2 -mfma -o .build/probe-madd scripts/probes/madd_floor.c
	.build/probe-madd

clean:
	rm -rf .build
