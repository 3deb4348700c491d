# tidtam: every target creates the virtual environment it needs, from requirements.lock.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# The lock is resolved for every supported Python at once (markers), from 3.11 up.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
              --extra dev --custom-compile-command "make lock"

.PHONY: install test lint demo demo-projects lock lockcheck clean

# Refuse a pyproject.toml whose dependencies changed without `make lock`, and a
# Python that is too old, before installing anything.
lockcheck:
	@$(PYTHON) tools/lockstamp.py check

# Exactly the locked versions, every file hash-checked; then tidtam itself, built
# with the locked setuptools (no build isolation: nothing unpinned is fetched).
$(STAMP): pyproject.toml $(LOCK) tools/lockstamp.py
	@$(PYTHON) tools/lockstamp.py check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

test: lockcheck $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

# ruff, strict mypy, and the one-way import contract of docs/design.md §9
# ([tool.importlinter] in pyproject.toml).
lint: lockcheck $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

demo: lockcheck $(STAMP)
	$(BIN)/tidtam demo

demo-projects: lockcheck $(STAMP)
	$(BIN)/tidtam demo --form projects

# Re-resolve every package (direct and transitive) to its newest allowed version.
# Run it after changing dependencies in pyproject.toml, or to take upstream updates;
# review the diff and commit pyproject.toml and requirements.lock together.
lock: $(BIN)/uv
	$(PYTHON) tools/lockstamp.py build-requires | \
	  $(BIN)/uv pip compile pyproject.toml - $(LOCK_FLAGS) --upgrade -o $(LOCK)
	$(PYTHON) tools/lockstamp.py write

# uv as the current lock pins it (hash-checked), whatever pyproject.toml now says.
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
