# Two commands for a fresh machine (see README): `make books` and `make test`.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: books test bench clean

$(BIN)/pubkit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

books: $(BIN)/pubkit
	$(BIN)/pubkit build
	$(BIN)/pubkit site

test: $(BIN)/pubkit
	$(BIN)/python -m pytest

bench: $(BIN)/pubkit
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/epub_bench.py
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/site_bench.py

clean:
	rm -rf build
