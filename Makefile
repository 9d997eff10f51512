# Enclave: build, run and test. `make run` and `make test` work on a fresh machine.

SWIFT        ?= swift
PYTHON       ?= python3
CONFIG       ?= release
BUILD_FLAGS  ?= -c $(CONFIG)
BIN          := .build/$(CONFIG)/enclave
MODEL        ?= models/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: all models build run test test-swift clean help

all: build

help:
	@echo "make run     fetch the default models, build optimised, start Enclave"
	@echo "make test    fetch the models, build optimised with tests, run every test"
	@echo "make models  fetch and verify the default models into models/"

models:
	@$(PYTHON) scripts/fetch_models.py

build:
	$(SWIFT) build $(BUILD_FLAGS) --product enclave

run: models build
	$(BIN) generate --model $(MODEL) --chat "Say hello to the team in one sentence."

test: models test-swift

test-swift:
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

clean:
	rm -rf .build
