# Two commands for a fresh machine (see README): `make books` and `make test`.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: books test fonts fuzz bench bench-catalog bench-long clean

$(BIN)/pubkit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The theme's fonts too large for the repository (Chinese), fetched once and checked by digest.
fonts: $(BIN)/pubkit
	$(BIN)/python tools/fetch_fonts.py

books: $(BIN)/pubkit fonts
	$(BIN)/pubkit build
	$(BIN)/pubkit site

test: $(BIN)/pubkit fonts
	$(BIN)/python -m pytest

# Before a release: 100,000 examples of each property test (about an hour and a half here).
fuzz: $(BIN)/pubkit
	PUBKIT_FUZZ_EXAMPLES=100000 $(BIN)/python -m pytest -q -p no:cacheprovider -o faulthandler_timeout=0 tests/test_fuzz.py

bench: $(BIN)/pubkit
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/epub_bench.py
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/site_bench.py
	$(BIN)/python bench/import_bench.py --quiet

# Long runs, apart from make bench: the readers' site with a thousand small books (about 25 min
# here), and 200 rounds of two builds of the samples at once (about 70 min).
bench-catalog: $(BIN)/pubkit
	$(BIN)/python bench/catalog_bench.py --books 1000
	$(BIN)/python bench/concurrent_builds.py --rounds 200

# Long books (about 300, 1,000 and 2,000 pages): time and memory against the page count (about 20 min).
bench-long: $(BIN)/pubkit
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/long_book_bench.py

clean:
	rm -rf build
