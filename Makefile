# Jingjin — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
# The distribution's Python 3.11 first (Debian's is built with profile-guided and link-time
# optimisation), then the first python3.11 on the PATH (here pyenv's shim: a build without
# --enable-optimizations, on which the suite's permission matrix took 107 s against 76 s on
# Debian's, 2026-12-07). A venv keeps the Python it was made with: `make clean` to change it.
PYTHON ?= $(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export JINGJIN_DATA_DIR ?= $(CURDIR)/var
# Python keeps its compiled modules (__pycache__, ignored by git): where the environment says
# PYTHONDONTWRITEBYTECODE (this machine's does), every process compiled every module it imported
# again: collecting the suite took 17 s instead of 7 s, and each command-line run 1.7 s instead of
# 0.9 s, once per xdist worker and per subprocess of the tests.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test lint kernels check-suite install assets browser lock clean format bench messages

## Set up everything, load the built-in plan and demo data, serve on http://127.0.0.1:8000
demo: install assets
	$(BIN)/jingjin demo

## Lint and run the whole suite (browser tests included). The engine kernels are compiled into
## their cache (var/numba-cache) beside the linters, so that no test pays the first compilation.
test: install assets browser
	$(MAKE) --no-print-directory -j2 -Otarget lint kernels
	$(MAKE) --no-print-directory check-suite

## Compile the engines' numba kernels into the cache (or load them from it)
kernels: install
	$(BIN)/python -m jingjin.numba_cache

## The suite on one pytest-xdist worker per core (TEST_WORKERS=0: in one process, as before).
## loadgroup keeps the tests marked in tests/conftest.py (XDIST_GROUPS) on one worker.
TEST_WORKERS ?= auto
check-suite:
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=15

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy jingjin

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## The Python packages, and Debian's libraries and fonts of the PDF bulletin (pango, Noto CJK;
## poppler-utils for its tests) — installed when we are root, otherwise the command is printed
install: $(VENV)/.installed
	@bash scripts/ensure-system-packages

## uv installs the pinned set (constraints.txt) with parallel downloads and a wheel cache that
## pip does not keep here: a fresh clone's install took 37–74 s instead of about 3–13 minutes.
## pip installs uv itself, and stays the fallback when uv cannot reach the registry.
UV_VERSION := 0.13.9
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[dev]' \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

## Front-end libraries from the npm registry, served locally (no CDN)
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Debian's Chromium for the browser tests (installed when we are root and it is missing)
browser:
	@bash scripts/ensure-chromium

## Regenerate the constraints file from the current environment
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v -e '^-e' -e '^uv==' > constraints.txt

bench: install
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache

## Regenerate and compile the Chinese translation of the UI
messages: install
	cd jingjin && ../$(BIN)/python -m django makemessages -l zh_Hans --no-obsolete --settings=jingjin.settings -i "node_modules/*"
	cd jingjin && ../$(BIN)/python -m django compilemessages --settings=jingjin.settings
