# Enclave: build, run and test. `make run` and `make test` work on a fresh machine.

SWIFT        ?= swift
PYTHON       ?= python3
CONFIG       ?= release
BUILD_FLAGS  ?= -c $(CONFIG)
BIN          := .build/$(CONFIG)/enclave
MODEL        ?= models/SmolLM2-135M-Instruct.Q4_1.gguf
VENV_TEST    := .venv-test

.PHONY: all models build run test test-swift test-integration clean help

all: build

help:
	@echo "make run     fetch the default models, build optimised, start the server (prints the URL and, on first start, the admin key)"
	@echo "make test    fetch the models, build optimised with tests, run every test (Swift, then the Python integration suite)"
	@echo "make test-integration  run the Python integration suite (openai client) against a live enclave serve"
	@echo "make models  fetch and verify the default models into models/"

models:
	@$(PYTHON) scripts/fetch_models.py

build:
	$(SWIFT) build $(BUILD_FLAGS) --product enclave

run: models build
	$(BIN) serve --model $(MODEL)

test: models test-swift test-integration

test-swift:
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

test-integration: build
	test -x $(VENV_TEST)/bin/python || $(PYTHON) -m venv $(VENV_TEST)
	$(VENV_TEST)/bin/pip install --quiet --disable-pip-version-check -r tests/integration/requirements.txt
	ENCLAVE_BIN=$(BIN) ENCLAVE_TEST_MODEL=$(MODEL) $(VENV_TEST)/bin/python -m pytest tests/integration -q

clean:
	rm -rf .build
