# tanbiao — every target does its own set-up (virtualenv, Python packages, Java for HermiT).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SUDO    = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup java run build serve test lint bench clean

help:            ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

setup: $(BIN)/.installed java  ## create .venv, install tanbiao with test extras, install Java if missing

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

java:            ## HermiT (the OWL reasoner) needs a Java runtime
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Java (openjdk-17-jre-headless) for HermiT"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; }

run: setup       ## the main job: build the graph and print its summary
	$(BIN)/tanbiao build

build: run

test: setup      ## run the test suite
	$(BIN)/python -m pytest

lint: setup      ## ruff
	$(BIN)/ruff check tanbiao loaders api tests bench

bench: setup     ## build benchmark -> docs/benchmarks.md
	$(BIN)/python bench/build_bench.py --write docs/benchmarks.md

clean:           ## remove build output (keeps .venv)
	rm -rf data/build data/build.* .pytest_cache
