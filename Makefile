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

.PHONY: install tools demo test test-fast bench docs clean

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

install: $(STAMP)

## tools: the pinned external scanners (semgrep, detect-secrets, bandit) in their own venv
tools: $(TOOLS_STAMP)

## demo: make a throwaway tagged repo from examples/goods-store and certify it at that tag
demo: install tools
	bash scripts/make-demo-repo.sh examples/goods-store $(DEMO_REPO) $(DEMO_TAG)
	$(VENV)/bin/certifier run $(DEMO_REPO) --tag $(DEMO_TAG) --stage preview --out $(DEMO_OUT)

## test: the whole suite (slow end-to-end tests included)
test: install tools
	$(PY) -m pytest

## test-fast: skip the tests marked slow
test-fast: install tools
	$(PY) -m pytest -m "not slow"

## bench: static stages vs the same tools one after another, and warm vs cold (issue 3 targets)
bench: install tools
	$(PY) -m benchmarks.static_stages

## docs: regenerate docs/checks.md and the report JSON Schema from the code
docs: install
	$(VENV)/bin/certifier checks --format markdown > docs/checks.md
	$(PY) -m certifier.report.schema

clean:
	rm -rf build reports certifier-report .pytest_cache
