# certifier: `make demo` certifies the bundled example connector; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TOOLS_VENV  := .venv-tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed
DEMO_REPO := build/demo-repo
DEMO_TAG  := v1.0.0
DEMO_OUT  := reports/demo

# pytest-xdist workers: the suite mostly waits on subprocesses (semgrep, npm, connector apps), so a
# third worker on a 2-core machine still shortens it
TEST_WORKERS ?= 3

.PHONY: install tools bubblewrap chromium demo test test-fast lint bench bench-build bench-manifest bench-service corpus docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,service]'
	touch $(STAMP)

$(TOOLS_STAMP): tools-requirements.txt
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/python -m pip install --quiet -r tools-requirements.txt
	touch $(TOOLS_STAMP)

install: $(STAMP) bubblewrap

## tools: the pinned external scanners (semgrep, detect-secrets, bandit) in their own venv
tools: $(TOOLS_STAMP) bubblewrap

## bubblewrap: the namespaces connector code runs in, and socat (the install's relay to the registry proxy)
## (docs/sandbox.md); installed with apt-get as root
bubblewrap:
	@if ! command -v bwrap >/dev/null 2>&1 || ! command -v socat >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap socat >/dev/null; \
	  else \
	    echo "warning: bwrap or socat is missing: connector code runs without namespaces, or the install with the host's network (docs/sandbox.md)" >&2; \
	  fi; \
	fi

## chromium: the headless browser of the report screenshot test (tests/report/test_screenshots.py); apt-get as root
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "warning: chromium is missing: the report screenshot test is skipped (it fails in CI)" >&2; \
	  fi; \
	fi

## demo: make a throwaway tagged repo from examples/goods-store and certify it at that tag
demo: install tools
	bash scripts/make-demo-repo.sh examples/goods-store $(DEMO_REPO) $(DEMO_TAG)
	$(VENV)/bin/certifier run $(DEMO_REPO) --tag $(DEMO_TAG) --stage preview --out $(DEMO_OUT)

## lint: pyflakes over the code, tests and benchmarks; import-linter: no package imports a later layer
lint: install
	$(PY) -m pyflakes certifier tests benchmarks scripts
	$(VENV)/bin/lint-imports

## test: lint, then the whole suite (slow end-to-end tests included)
test: install tools lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

## test-fast: skip the tests marked slow
test-fast: install tools
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not slow"

## bench: static stages vs the same tools one after another, and warm vs cold (issue 3 targets)
bench: install tools
	$(PY) -m benchmarks.static_stages

## bench-build: build + local preview + probes vs the same npm commands by hand (issue 4)
bench-build: install tools
	$(PY) -m benchmarks.build_preview examples/goods-store

## bench-manifest: `certifier manifest` (the pre-commit hook) vs the platform's own connect.yaml parser (issue 12)
bench-manifest: install
	$(PY) -m benchmarks.manifest_hook examples/goods-store

## bench-service: 100 concurrent runs against a local server, embedded pool then two Celery workers (issue 5),
## then the fault scenarios with their recovery times (issue 13)
bench-service: install tools
	$(PY) -m benchmarks.service_load
	$(PY) -m benchmarks.service_load --celery-workers 2
	$(PY) -m benchmarks.service_load --faults

## corpus: certify the public connectors of benchmarks/corpus.yaml (publish, static stages) into docs/corpus.md;
## set CORPUS_DIR to a folder of local clones or mirrors (e.g. /work/.mirror), else their URLs are cloned
corpus: install tools
	$(PY) -m benchmarks.corpus

## docs: regenerate docs/checks.md and the report JSON Schema from the code
docs: install
	$(VENV)/bin/certifier checks --format markdown > docs/checks.md
	$(PY) -m certifier.report.schema

clean:
	rm -rf build reports certifier-report .pytest_cache
