# tanbiao — every target does its own set-up (virtualenv, Python packages, Java for HermiT).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SUDO    = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup setup-test java browser virtuoso run build serve test lint wheel-check bench clean

help:            ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

setup: $(BIN)/.installed java  ## what running needs: .venv with tanbiao, and Java for HermiT if missing

setup-test: setup $(BIN)/.installed-test browser virtuoso  ## + the test extras, Chromium and Virtuoso if missing

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(BIN)/.installed-test: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

java:            ## HermiT (the OWL reasoner) needs a Java runtime
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Java (openjdk-17-jre-headless) for HermiT"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; }

browser:         ## headless Chromium + chromedriver for the page tests
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "Installing Chromium and chromedriver for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei; }

# The package's service (ports 1111 and 8890, all interfaces) is stopped and disabled right after installing:
# the tests start their own server, on free loopback ports with a scratch database (tests/virtuoso_server.py).
virtuoso:        ## Virtuoso Open Source, the second SPARQL server the remote-backend tests run against
	@command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || { \
	  echo "Installing Virtuoso Open Source (virtuoso-opensource) for the remote-backend tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource; \
	  $(SUDO) service virtuoso-opensource-7 stop >/dev/null 2>&1 || true; \
	  $(SUDO) update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true; }

run: setup       ## the main job: build the graph (if needed) and serve it on http://127.0.0.1:8000
	$(BIN)/tanbiao serve

build: setup     ## build the graph and print its summary
	$(BIN)/tanbiao build

serve: run

test: setup-test ## run the test suite, then check the installed wheel and lint
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory wheel-check lint

lint: setup-test ## ruff and mypy (mypy sees the mapped packages through a symlink tree in .mypy-tree/)
	$(BIN)/ruff check tanbiao loaders api tests bench
	@rm -rf .mypy-tree && mkdir -p .mypy-tree/tanbiao
	@for f in tanbiao/*; do case $$f in *__pycache__) ;; *) ln -s ../../$$f .mypy-tree/tanbiao/ ;; esac; done
	@ln -s ../../loaders .mypy-tree/tanbiao/loaders && ln -s ../../api .mypy-tree/tanbiao/api
	cd .mypy-tree && ../$(BIN)/mypy --config-file ../pyproject.toml tanbiao

WHEEL_DIR = .wheel-check
wheel-check: setup  ## build the wheel, install it in a fresh virtualenv and build the graph with it
	@rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR)/dist .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/pip install --quiet $(WHEEL_DIR)/dist/tanbiao-*.whl
	cd $(WHEEL_DIR) && venv/bin/tanbiao build -q -o graph && venv/bin/tanbiao standards -b graph -f csv | wc -l
	@rm -rf $(WHEEL_DIR)

bench: setup-test ## build, gap, page and endpoint benchmarks -> docs/benchmarks.md (query_bench.py is longer: by hand)
	$(BIN)/python bench/build_bench.py --write docs/benchmarks.md
	$(BIN)/python bench/gap_bench.py --write docs/benchmarks.md
	$(BIN)/python bench/pages_bench.py --write docs/benchmarks.md
	$(BIN)/python bench/endpoint_bench.py --write docs/benchmarks.md

clean:           ## remove build output (keeps .venv)
	rm -rf data/build data/build.* .pytest_cache .mypy-tree .wheel-check
