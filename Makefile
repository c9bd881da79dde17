# The same verbs everywhere: make run, make test, make lint, make bench.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PORT    ?= 8000
CHROMIUM := /usr/bin/chromium
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build test test-fast lint bench browser screenshots clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

## run: set up, build the example surveys and serve them with working submission and reports
run: $(STAMP)
	$(VENV)/bin/palaute serve --port $(PORT)

## build: build the example surveys into dist/
build: $(STAMP)
	$(VENV)/bin/palaute build

## browser: Debian's Chromium for the browser tests (Playwright cannot download its own here)
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

## test: set up and run the whole test suite, browser tests included
test: $(STAMP) browser
	$(VENV)/bin/pytest -n 2 -q

## test-fast: everything but the browser tests
test-fast: $(STAMP)
	$(VENV)/bin/pytest -n 2 -q -m "not browser"

## screenshots: remake docs/screenshots/ from the running examples
screenshots: $(STAMP) browser
	$(VENV)/bin/pytest tests/browser/test_screenshots.py --screenshots -q -p no:xdist

## lint: ruff and mypy (strict on site_builder/ and functions/)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check site_builder functions infra
	$(VENV)/bin/mypy site_builder functions infra

## bench: benchmarks print their figures (see docs/benchmarks.md)
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/run.py

clean:
	rm -rf dist .palaute .pytest_cache .mypy_cache .ruff_cache
