# lakesift: `make demo` runs the demo end to end, `make test` runs the whole test suite.
# Both create the virtual environment and install everything on first use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS ?= dev,bench,report

export SPARK_LOCAL_IP ?= 127.0.0.1
export PYSPARK_PYTHON := $(abspath $(PY))
export PYSPARK_DRIVER_PYTHON := $(abspath $(PY))
export HF_HUB_OFFLINE := 1

.PHONY: setup demo test test-fast lint package bench clean browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	@touch $(STAMP)

setup: $(STAMP)
	@echo "JAVA_HOME=$$($(PY) -m jobs.java_home)"

demo: $(STAMP)
	JAVA_HOME="$$($(PY) -m jobs.java_home)" $(PY) -m jobs.demo

# The report's browser test drives Debian's Chromium. Installed when missing and we are root;
# otherwise that test is skipped with a loud reason.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "WARNING: could not install chromium: the browser test will be skipped"; \
	else echo "WARNING: /usr/bin/chromium missing and not root: the browser test will be skipped"; fi

test: $(STAMP) browser
	JAVA_HOME="$$($(PY) -m jobs.java_home)" $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	JAVA_HOME="$$($(PY) -m jobs.java_home)" $(PY) -m pytest -q -m "not slow and not cluster and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check schemas operators profiling provenance pipelines jobs

package: $(STAMP)
	$(PY) -m jobs.package dist/lakesift.zip

bench: $(STAMP)
	JAVA_HOME="$$($(PY) -m jobs.java_home)" $(PY) -m benchmarks.containment --quick

clean:
	rm -rf $(VENV) dist build demo .pytest_cache
