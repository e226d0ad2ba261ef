# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make        set up, then build every handout and summary into output/
#   make test   set up, then run the test suite
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all build setup test lint format lock dist bench catalogs clean docs-images snapshots

all: build

setup: $(STAMP)

# System libraries first (WeasyPrint's Pango and HarfBuzz), then the pinned Python
# dependencies from the lock file (hash-checked), then this package itself.
$(STAMP): requirements.lock pyproject.toml scripts/setup-system.sh
	PYTHON=$(PYTHON) bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	# Static instances of the variable fonts, made once per machine into the per-user
	# cache (about a minute): builds and the tests then find them ready.
	$(BIN)/handouts --config handouts.toml fonts
	touch $(STAMP)

build: setup
	$(BIN)/handouts build

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy handouts

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolve the pinned dependency set after changing pyproject.toml.
lock:
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	  --no-header --output-file requirements.lock

# The sdist and the wheel a clinic installs, into dist/, checked as the package index
# checks them (metadata, the README as the project's description).
dist: setup
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

# Time builds against plain WeasyPrint, and the memory of a long batch (~17 min on 2 cores);
# prints a table and writes output/benchmark.json. See benchmarks/README.md.
bench: setup
	$(BIN)/python benchmarks/bench.py

# After changing the fixed text of templates or code: extract it into the catalog
# template and merge it into each language's catalog (then translate what is new).
catalogs: setup
	$(BIN)/pybabel extract -F babel.cfg -o handouts/locale/handouts.pot --no-location \
	  --sort-output --project handouts --version 0.1.0 \
	  --copyright-holder "handouts contributors" --msgid-bugs-address "" .
	$(BIN)/pybabel update -i handouts/locale/handouts.pot -d handouts/locale -D handouts \
	  --ignore-obsolete

# Refresh the visual snapshot references (tests/snapshots/*.png) after a deliberate
# change to the pages; look at them before committing.
snapshots: setup
	UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest -q tests/test_snapshots.py

# Re-render the page images the README shows (docs/*.png).
docs-images: setup
	$(BIN)/python scripts/docs_images.py

clean:
	rm -rf output $(VENV)
